import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { AuthError, HttpError, NetworkError, createClient, type HttpRetryEvent, type TokenRequest } from "../../client-sdk/index.ts";
import { useTestServer } from "../helpers/test-server.ts";

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  at: number;
  body: string;
}

/**
 * A fake HTTP server for exact control of protocol edge cases (a fake
 * server only where the real one cannot be made to answer this way on
 * demand). Each request is answered by the next scripted responder.
 */
async function fakeServer(script: ((req: Seen) => { status: number; headers?: Record<string, string>; body?: unknown })[]) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const entry: Seen = { method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, at: Date.now(), body };
      seen.push(entry);
      const respond = script[Math.min(seen.length - 1, script.length - 1)]!;
      const { status, headers, body: out } = respond(entry);
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(out === undefined ? "" : JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const ok = (body: unknown = { status: "ok", uptimeSeconds: 1 }) => () => ({ status: 200, body });
const errorBody = (status: number, code: string, headers?: Record<string, string>) => () => ({
  status,
  headers,
  body: { error: { code, message: `${code} from the fake` } },
});

describe("sdk: HTTP helper", () => {
  describe("against a fake server (exact protocol edge cases)", () => {
    it("on 401 calls getToken once with the refused token, retries with the new one, and succeeds", async () => {
      const fake = await fakeServer([(req) => (req.authorization === "Bearer new-token" ? ok()() : errorBody(401, "TOKEN_EXPIRED")())]);
      const asked: TokenRequest[] = [];
      const client = createClient({
        url: fake.url,
        getToken: (request) => {
          asked.push(request);
          return asked.length === 1 ? "old-token" : "new-token";
        },
      });
      try {
        const answer = await client.http.request<{ status: string }>("GET", "/needs-auth");
        assert.equal(answer.data.status, "ok");
        assert.deepEqual(
          asked.map((r) => [r.reason, r.token]),
          [
            ["connect", undefined],
            ["rejected", "old-token"],
          ],
        );
        assert.deepEqual(
          fake.seen.map((s) => s.authorization),
          ["Bearer old-token", "Bearer new-token"],
        );
        assert.equal(client.auth.token, "new-token");
      } finally {
        await fake.close();
      }
    });

    it("a second 401 after the refresh is an AuthError (closed for good, not retried)", async () => {
      const fake = await fakeServer([errorBody(401, "TOKEN_INVALID")]);
      let calls = 0;
      const client = createClient({ url: fake.url, getToken: () => `token-${++calls}` });
      try {
        await assert.rejects(client.http.request("GET", "/needs-auth", { retries: 5 }), (error: unknown) => {
          assert.ok(error instanceof AuthError);
          assert.equal(error.code, "TOKEN_INVALID");
          assert.equal(error.status, 401);
          assert.equal(error.retryable, false);
          assert.ok(error.cause instanceof HttpError, "keeps the HTTP error as cause");
          return true;
        });
        assert.equal(calls, 2, "getToken: once to connect, once after the refusal");
        assert.equal(fake.seen.length, 2);
      } finally {
        await fake.close();
      }
    });

    it("honours Retry-After on 429 and 503 as a floor, with the shared backoff on top", async () => {
      const fake = await fakeServer([
        errorBody(429, "RATE_LIMITED", { "retry-after": "1" }),
        errorBody(503, "DRAINING", { "retry-after": "1" }),
        ok({ done: true }),
      ]);
      const client = createClient({ url: fake.url, backoff: { minMs: 10, maxMs: 50 } });
      const retries: HttpRetryEvent[] = [];
      client.http.on("retry", (event) => retries.push(event));
      try {
        const answer = await client.http.request<{ done: boolean }>("GET", "/busy", { auth: "none" });
        assert.equal(answer.data.done, true);
        assert.deepEqual(
          retries.map((r) => [r.attempt, r.error.code, (r.error as HttpError).retryAfterMs]),
          [
            [0, "RATE_LIMITED", 1000],
            [1, "DRAINING", 1000],
          ],
        );
        for (const retry of retries) assert.ok(retry.delayMs >= 1000, `delay ${retry.delayMs} honours Retry-After`);
        // The server saw the retries no sooner than it asked (a lower bound, so not flaky).
        assert.ok(fake.seen[1]!.at - fake.seen[0]!.at >= 990);
        assert.ok(fake.seen[2]!.at - fake.seen[1]!.at >= 990);
      } finally {
        await fake.close();
      }
    });

    it("gives up after `retries` and surfaces the typed error with status, code, Retry-After and request id", async () => {
      const fake = await fakeServer([() => ({ status: 503, headers: { "retry-after": "0", "x-request-id": "req-1" }, body: { error: { code: "STORE_UNAVAILABLE", message: "redis down" } } })]);
      const client = createClient({ url: fake.url, backoff: { minMs: 1, maxMs: 5 } });
      try {
        await assert.rejects(client.http.request("GET", "/x", { auth: "none", retries: 2 }), (error: unknown) => {
          assert.ok(error instanceof HttpError);
          assert.equal(error.status, 503);
          assert.equal(error.code, "STORE_UNAVAILABLE");
          assert.equal(error.message, "redis down");
          assert.equal(error.retryAfterMs, 0);
          assert.equal(error.requestId, "req-1");
          assert.equal(error.retryable, true);
          return true;
        });
        assert.equal(fake.seen.length, 3);
      } finally {
        await fake.close();
      }
    });

    it("does not retry non-retryable answers (404, 403, 400) and maps unknown bodies to HTTP_ERROR", async () => {
      const fake = await fakeServer([errorBody(404, "NOT_FOUND"), () => ({ status: 502, body: "<html>bad gateway</html>" })]);
      const client = createClient({ url: fake.url, backoff: { minMs: 1, maxMs: 5 } });
      try {
        await assert.rejects(client.http.request("GET", "/gone", { auth: "none", retries: 3 }), (error: unknown) => error instanceof HttpError && error.code === "NOT_FOUND" && error.status === 404);
        assert.equal(fake.seen.length, 1);
        await assert.rejects(client.http.request("GET", "/proxy", { auth: "none", retries: 0 }), (error: unknown) => error instanceof HttpError && error.code === "HTTP_ERROR" && error.status === 502 && error.retryable);
      } finally {
        await fake.close();
      }
    });

    it("turns a refused connection into a retryable NetworkError, and an abort into ABORTED", async () => {
      const fake = await fakeServer([ok()]);
      const url = fake.url;
      await fake.close();
      const client = createClient({ url, backoff: { minMs: 1, maxMs: 5 } });
      const retries: HttpRetryEvent[] = [];
      client.http.on("retry", (event) => retries.push(event));
      await assert.rejects(client.http.request("GET", "/healthz", { auth: "none", retries: 2 }), (error: unknown) => error instanceof NetworkError && error.retryable && error.cause !== undefined);
      assert.equal(retries.length, 2);
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(client.http.request("GET", "/healthz", { auth: "none", signal: controller.signal }), (error: any) => error.code === "ABORTED");
    });

    it("concurrent token requests share one refresh (one getToken call for many refusals)", async () => {
      let calls = 0;
      const client = createClient({
        url: "http://example.invalid",
        fetch: async () => new Response("{}", { status: 200 }),
        getToken: async () => {
          calls++;
          await new Promise((resolve) => setTimeout(resolve, 20));
          return `token-${calls}`;
        },
      });
      const first = await client.auth.getToken({ reason: "connect" });
      assert.equal(first, "token-1");
      const again = await Promise.all(Array.from({ length: 5 }, () => client.auth.getToken({ reason: "rejected", token: "token-1" })));
      assert.deepEqual(again, Array(5).fill("token-2"));
      assert.equal(calls, 2);
      // A refusal of an already-replaced token is answered with the current one, without asking.
      assert.equal(await client.auth.getToken({ reason: "rejected", token: "token-1" }), "token-2");
      assert.equal(calls, 2);
    });

    it("uses the injected fetch", async () => {
      const calls: string[] = [];
      const client = createClient({
        url: "http://example.invalid",
        fetch: async (input) => {
          calls.push(String(input));
          return new Response(JSON.stringify({ status: "ok", uptimeSeconds: 7 }), { status: 200, headers: { "content-type": "application/json" } });
        },
      });
      const health = await client.http.call("GET /healthz");
      assert.equal(health.uptimeSeconds, 7);
      assert.deepEqual(calls, ["http://example.invalid/healthz"]);
    });
  });

  describe("against the real server", () => {
    const server = useTestServer();

    it("signs in as a guest, exposes the token and expiry, and refreshes it for the same player", async () => {
      const client = createClient({ url: server.httpUrl });
      const tokens: (string | undefined)[] = [];
      client.auth.on("token", (change) => tokens.push(change.token));
      const session = await client.auth.signInAsGuest("Ada");
      assert.equal(client.auth.token, session.token);
      assert.equal(client.auth.expiresAt, session.expiresAt);
      assert.equal(client.auth.player?.name, "Ada");
      assert.ok(session.expiresAt > Date.now() / 1000);
      const refreshed = await client.auth.refresh();
      assert.equal(refreshed.player.playerId, session.player.playerId);
      assert.equal(client.auth.token, refreshed.token);
      // Within the same second the server issues the very same JWT; the event fires only on a change.
      assert.deepEqual(tokens, [...new Set([session.token, refreshed.token])]);
    });

    it("answers validation errors with the server's code and details", async () => {
      const client = createClient({ url: server.httpUrl });
      await assert.rejects(client.auth.signInAsGuest(""), (error: unknown) => {
        assert.ok(error instanceof HttpError);
        assert.equal(error.status, 400);
        assert.equal(error.code, "VALIDATION_FAILED");
        assert.ok((error.details as { issues: unknown[] }).issues.length > 0);
        return true;
      });
    });

    it("refresh with a forged token is an AuthError", async () => {
      const client = createClient({ url: server.httpUrl });
      client.auth.setToken("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwX3gifQ.forged");
      await assert.rejects(client.auth.refresh(), (error: unknown) => error instanceof AuthError && error.code === "TOKEN_INVALID" && error.status === 401);
    });
  });
});
