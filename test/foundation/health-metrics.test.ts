import assert from "node:assert/strict";
import { useTestServer } from "../helpers/test-server.ts";

describe("health, readiness and metrics", () => {
  const server = useTestServer();

  it("GET /healthz says the process is up", async () => {
    const response = await fetch(`${server.httpUrl}/healthz`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { status: string; uptimeSeconds: number };
    assert.equal(body.status, "ok");
    assert.equal(typeof body.uptimeSeconds, "number");
  });

  it("GET /readyz is 200 with its checks once the matchmaker accepts", async () => {
    const response = await fetch(`${server.httpUrl}/readyz`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    assert.equal(body.status, "ready");
    assert.equal(body.checks.matchmaker.ok, true);
  });

  it("GET /metrics is Prometheus text with HTTP, WebSocket, room and event-loop metrics", async () => {
    await fetch(`${server.httpUrl}/v1/does-not-exist`);
    await fetch(`${server.httpUrl}/healthz`);
    const response = await fetch(`${server.httpUrl}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    assert.match(text, /^http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/m);
    assert.match(text, /^http_requests_total\{method="GET",route="unmatched",status="404"\} \d+/m);
    assert.match(text, /^http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/healthz"\} \d+/m);
    assert.match(text, /^ws_clients 0$/m);
    assert.match(text, /^# TYPE rooms_open gauge$/m);
    assert.match(text, /^nodejs_eventloop_lag_seconds \d/m);
  });

  it("GET /metrics?name=… answers only the named metrics (a cheap read: no per-socket gauge is collected); a bad name is a 400", async () => {
    const response = await fetch(`${server.httpUrl}/metrics?name=longpoll_pending&name=ws_clients&name=no_such_metric`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]);
    assert.deepEqual(names, ["longpoll_pending", "ws_clients"]);
    assert.match(text, /^longpoll_pending 0$/m);
    assert.match(text, /^ws_clients 0$/m);
    assert.ok(!/process_open_fds|nodejs_active_handles/.test(text), text);
    assert.equal(await (await fetch(`${server.httpUrl}/metrics?name=no_such_metric`)).text(), "");
    const bad = await fetch(`${server.httpUrl}/metrics?name=bad-name!`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, "VALIDATION_FAILED");
  });
});
