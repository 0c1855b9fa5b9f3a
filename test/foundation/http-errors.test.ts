import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Registry } from "prom-client";
import { createApp } from "../../api/app.ts";
import { Lifecycle } from "../../api/lifecycle.ts";
import { TokenService, newPlayerId } from "../../server/token-service.ts";
import { createLogger } from "../../server/logger.ts";
import type { ErrorBody } from "../../shared/index.ts";
import { TEST_TOKEN_SECRET, useTestServer } from "../helpers/test-server.ts";

describe("HTTP errors", () => {
  const server = useTestServer();

  it("unknown routes are 404 ROUTE_NOT_FOUND in the error shape", async () => {
    const response = await fetch(`${server.httpUrl}/v1/nope?x=1`);
    assert.equal(response.status, 404);
    assert.match(response.headers.get("content-type") ?? "", /application\/json/);
    const body = (await response.json()) as ErrorBody;
    assert.deepEqual(Object.keys(body), ["error"]);
    assert.equal(body.error.code, "ROUTE_NOT_FOUND");
    assert.equal(typeof body.error.message, "string");
  });

  it("a wrong method on a known route is 405 with Allow", async () => {
    const response = await fetch(`${server.httpUrl}/v1/auth/guest`);
    assert.equal(response.status, 405);
    assert.match(response.headers.get("allow") ?? "", /POST/);
    assert.equal(((await response.json()) as ErrorBody).error.code, "METHOD_NOT_ALLOWED");
  });

  it("every response carries a request id (echoing a well-formed X-Request-Id)", async () => {
    const echoed = await fetch(`${server.httpUrl}/healthz`, { headers: { "x-request-id": "abc-123" } });
    assert.equal(echoed.headers.get("x-request-id"), "abc-123");
    const generated = await fetch(`${server.httpUrl}/healthz`, { headers: { "x-request-id": "bad id with spaces" } });
    assert.match(generated.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  });

  it("CORS answers preflights for the API and for /matchmake (development default: any origin)", async () => {
    for (const path of ["/v1/auth/guest", "/matchmake/joinOrCreate/echo"]) {
      const response = await fetch(`${server.httpUrl}${path}`, {
        method: "OPTIONS",
        headers: { origin: "http://game.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
      });
      assert.equal(response.status, 204, path);
      assert.equal(response.headers.get("access-control-allow-origin"), "http://game.example", path);
    }
  });

  it("an unexpected error is a 500 INTERNAL that leaks nothing, and the server keeps serving", async () => {
    // The app factory with a mount that throws an internal error (a real listener on port 0).
    const lines: string[] = [];
    const logger = createLogger("error", {}, { write: (line: string) => void lines.push(line) });
    const app = createApp({
      options: { bodyLimitBytes: 1024, corsOrigins: [], trustProxy: false },
      logger,
      tokens: new TokenService({ secret: TEST_TOKEN_SECRET, ttlSeconds: 60 }),
      newPlayerId,
      registry: new Registry(),
      http: { observe() {} },
      readiness: async () => ({ status: "ready", checks: {} }),
      lifecycle: new Lifecycle(),
      startedAt: Date.now(),
      mounts: [{ prefix: "/boom", label: "/boom", handle: () => { throw new Error("secret database password in message"); } }],
    });
    const httpServer = http.createServer(app.callback());
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    try {
      const response = await fetch(`${base}/boom`);
      assert.equal(response.status, 500);
      const text = await response.text();
      assert.doesNotMatch(text, /secret|password|stack/i);
      assert.equal((JSON.parse(text) as ErrorBody).error.code, "INTERNAL");
      assert.equal(lines.length, 1, "logged exactly once");
      assert.match(JSON.parse(lines[0]).err.message, /secret database password/);
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
    } finally {
      await new Promise((resolve) => httpServer.close(resolve));
    }
  });
});
