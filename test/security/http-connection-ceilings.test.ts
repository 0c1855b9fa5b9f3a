import assert from "node:assert/strict";
import type { ErrorBody } from "../../shared/index.ts";
import { RawSseClient } from "../helpers/sse-client.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/**
 * Guest tokens are cheap, so per-player caps alone do not bound one client:
 * streams and polls also count per client IP (STREAMS_PER_IP, POLLS_PER_IP:
 * 429) and per process (STREAMS_MAX, POLLS_MAX: 503 SERVER_BUSY), each with
 * Retry-After and the variable named in `details.limit`. The test is the
 * single trusted proxy in front (TRUST_PROXY=1), so X-Forwarded-For picks
 * the client address.
 */

const LIMITS = { perClient: 2, perIp: 5, max: 8 };

describe("security: process-wide and per-IP ceilings on streams and polls", function () {
  this.timeout(30_000);
  const server = useTestServer({
    env: {
      TRUST_PROXY: "1",
      STREAMS_PER_CLIENT: String(LIMITS.perClient),
      STREAMS_PER_IP: String(LIMITS.perIp),
      STREAMS_MAX: String(LIMITS.max),
      POLLS_PER_CLIENT: String(LIMITS.perClient),
      POLLS_PER_IP: String(LIMITS.perIp),
      POLLS_MAX: String(LIMITS.max),
    },
  });

  const tokens = async (n: number) => Promise.all(Array.from({ length: n }, async (_, i) => (await server.guestToken(`G${i}`)).token));
  const refusal = async (path: string, token: string, ip: string) => {
    const response = await fetch(`${server.httpUrl}${path}`, { headers: { authorization: `Bearer ${token}`, "x-forwarded-for": ip } });
    const body = (await response.json()) as ErrorBody;
    return { status: response.status, code: body.error?.code, limit: (body.error?.details as { limit?: string } | undefined)?.limit, retryAfter: response.headers.get("retry-after") };
  };

  it("streams: more tokens from one IP stop at STREAMS_PER_IP (429); all clients together at STREAMS_MAX (503 SERVER_BUSY)", async () => {
    const open: RawSseClient[] = [];
    const stream = (token: string, ip: string) => {
      const client = new RawSseClient(`${server.httpUrl}/v1/leaderboards/rating/stream`, { authorization: `Bearer ${token}`, "x-forwarded-for": ip });
      open.push(client);
      return client;
    };
    try {
      const [a1, a2, a3, b1, b2, c1] = await tokens(6);
      // 10.0.0.1: two players at their own cap, a third player's first stream is the IP's fifth.
      for (const token of [a1, a1, a2, a2, a3]) stream(token!, "10.0.0.1");
      await waitFor(() => open.every((c) => c.events.length > 0), "five streams from 10.0.0.1");
      assert.deepEqual(await refusal("/v1/leaderboards/rating/stream", a3!, "10.0.0.1"), { status: 429, code: "TOO_MANY_STREAMS", limit: "STREAMS_PER_IP", retryAfter: "5" });
      // Change polls count against the same budget.
      assert.deepEqual(await refusal("/v1/leaderboards/rating/changes?wait=0", a3!, "10.0.0.1"), { status: 429, code: "TOO_MANY_STREAMS", limit: "STREAMS_PER_IP", retryAfter: "5" });
      // Another address is not affected by that one's ceiling, up to the process's.
      for (const token of [b1, b1, b2]) stream(token!, "10.0.0.2");
      await waitFor(() => open.every((c) => c.events.length > 0), "eight streams");
      assert.deepEqual(await refusal("/v1/leaderboards/rating/stream", c1!, "10.0.0.3"), { status: 503, code: "SERVER_BUSY", limit: "STREAMS_MAX", retryAfter: "5" });
      // A stream that ends gives its slot back to everyone.
      open[0]!.destroy();
      const next = stream(c1!, "10.0.0.3");
      await waitFor(() => next.events.length > 0 || next.status !== undefined, "a stream from 10.0.0.3 once a slot is free");
      await waitFor(() => next.events.length > 0, "its snapshot");
    } finally {
      for (const client of open) client.destroy();
    }
  });

  it("long polls: more tokens from one IP stop at POLLS_PER_IP (429); all clients together at POLLS_MAX (503 SERVER_BUSY)", async () => {
    const controllers: AbortController[] = [];
    const pending = async () => Number(/^longpoll_pending (\d+)$/m.exec(await (await fetch(`${server.httpUrl}/metrics`)).text())?.[1]);
    try {
      const [a1, a2, a3, b1, b2, c1] = await tokens(6);
      const head = (await (await fetch(`${server.httpUrl}/v1/matches/results`, { headers: { authorization: `Bearer ${a1}` } })).json()) as { cursor: string };
      const path = `/v1/matches/results?after=${encodeURIComponent(head.cursor)}&wait=25`;
      const park = (token: string, ip: string) => {
        const controller = new AbortController();
        controllers.push(controller);
        fetch(`${server.httpUrl}${path}`, { headers: { authorization: `Bearer ${token}`, "x-forwarded-for": ip }, signal: controller.signal }).catch(() => undefined);
      };
      for (const token of [a1, a1, a2, a2, a3]) park(token!, "10.0.1.1");
      await waitFor(async () => (await pending()) === 5, "five parked polls from 10.0.1.1");
      assert.deepEqual(await refusal(path, a3!, "10.0.1.1"), { status: 429, code: "TOO_MANY_POLLS", limit: "POLLS_PER_IP", retryAfter: "5" });
      for (const token of [b1, b1, b2]) park(token!, "10.0.1.2");
      await waitFor(async () => (await pending()) === 8, "eight parked polls");
      assert.deepEqual(await refusal(path, c1!, "10.0.1.3"), { status: 503, code: "SERVER_BUSY", limit: "POLLS_MAX", retryAfter: "5" });
      controllers[0]!.abort();
      await waitFor(async () => (await pending()) === 7, "an abandoned poll gives its slot back");
      park(c1!, "10.0.1.3");
      await waitFor(async () => (await pending()) === 8, "the slot taken by 10.0.1.3");
    } finally {
      for (const controller of controllers) controller.abort();
    }
  });
});
