import assert from "node:assert/strict";
import { startTestServer, useTestServer, type TestServer } from "../helpers/test-server.ts";

/**
 * CORS allows only configured origins (docs/operations.md "CORS"): on preflights and on
 * answers (errors included) of the API, the SSE stream and Colyseus's
 * /matchmake, an allowed origin gets `Access-Control-Allow-Origin: <origin>`;
 * any other origin gets no such header at all. Defaults: any origin outside
 * production, none in production (docs/operations.md "CORS").
 */

interface Probe {
  name: string;
  path: string;
  /** The method of the real request (the preflight asks for it). */
  method: "GET" | "POST";
  requestHeaders: string;
  /** Holds the answer open (SSE): read the headers, then abort. */
  stream?: boolean;
}

const probes: Probe[] = [
  { name: "API read", path: "/v1/leaderboards", method: "GET", requestHeaders: "authorization" },
  { name: "API write", path: "/v1/auth/guest", method: "POST", requestHeaders: "content-type" },
  { name: "API error (404)", path: "/v1/no-such-route", method: "GET", requestHeaders: "authorization" },
  { name: "SSE stream", path: "/v1/leaderboards/rating/stream", method: "GET", requestHeaders: "authorization,last-event-id", stream: true },
  { name: "matchmaking", path: "/matchmake/joinOrCreate/game", method: "POST", requestHeaders: "authorization,content-type" },
];

interface Seen {
  preflightStatus: number;
  preflight: string | null;
  answerStatus: number;
  answer: string | null;
  credentials: (string | null)[];
  exposed: string | null;
}

async function probe(server: TestServer, p: Probe, origin: string): Promise<Seen> {
  const preflight = await fetch(`${server.httpUrl}${p.path}`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": p.method, "access-control-request-headers": p.requestHeaders },
  });
  await preflight.body?.cancel();
  const controller = new AbortController();
  const answer = await fetch(`${server.httpUrl}${p.path}`, {
    method: p.method,
    headers: { origin, ...(p.method === "POST" ? { "content-type": "application/json" } : {}) },
    body: p.method === "POST" ? JSON.stringify({ name: "Cors" }) : undefined,
    signal: controller.signal,
  });
  if (p.stream) controller.abort();
  else await answer.body?.cancel();
  return {
    preflightStatus: preflight.status,
    preflight: preflight.headers.get("access-control-allow-origin"),
    answerStatus: answer.status,
    answer: answer.headers.get("access-control-allow-origin"),
    credentials: [preflight.headers.get("access-control-allow-credentials"), answer.headers.get("access-control-allow-credentials")],
    exposed: answer.headers.get("access-control-expose-headers"),
  };
}

describe("reliability: CORS allows only configured origins", function () {
  this.timeout(20_000);

  describe("CORS_ORIGINS=https://game.example,https://admin.example", () => {
    const server = useTestServer({ env: { CORS_ORIGINS: "https://game.example, https://admin.example" } });

    for (const p of probes) {
      it(`${p.name}: each configured origin is allowed, on the preflight and the answer`, async () => {
        for (const origin of ["https://game.example", "https://admin.example"]) {
          const seen = await probe(server, p, origin);
          assert.ok(seen.preflightStatus === 204, `${origin} preflight status ${seen.preflightStatus}`);
          assert.equal(seen.preflight, origin, `${origin} preflight`);
          assert.equal(seen.answer, origin, `${origin} answer (status ${seen.answerStatus})`);
          assert.deepEqual(seen.credentials, [null, null], "never with credentials");
        }
        if (p.path.startsWith("/v1/")) {
          const seen = await probe(server, p, "https://game.example");
          assert.match(seen.exposed ?? "", /Retry-After/, "Retry-After is readable by the page");
        }
      });

      it(`${p.name}: any other origin gets no Access-Control-Allow-Origin at all`, async () => {
        // Look-alikes, another scheme or port, and the opaque `null` origin of sandboxed frames and file: pages.
        for (const origin of ["https://evil.example", "https://game.example.evil.example", "http://game.example", "https://game.example:8443", "null"]) {
          const seen = await probe(server, p, origin);
          assert.deepEqual([seen.preflight, seen.answer], [null, null], `${origin} (preflight ${seen.preflightStatus}, answer ${seen.answerStatus})`);
          assert.deepEqual(seen.credentials, [null, null]);
        }
      });
    }

    it("a 429 answer carries the allowed origin too (so the page can read Retry-After)", async () => {
      // Anonymous joins from this IP until the default budget (JOIN_ATTEMPTS_PER_MINUTE) runs out.
      const join = () => fetch(`${server.httpUrl}/matchmake/create/game`, { method: "POST", headers: { origin: "https://game.example", "content-type": "application/json" }, body: "{}" });
      let answer = await join();
      for (let i = 0; i < 150 && answer.status !== 429; i++) {
        await answer.body?.cancel();
        answer = await join();
      }
      assert.equal(answer.status, 429, "the anonymous join budget ran out");
      assert.equal(answer.headers.get("access-control-allow-origin"), "https://game.example");
      assert.ok(answer.headers.get("retry-after"));
      await answer.body?.cancel();
    });
  });

  it("default in production: no origin is allowed", async () => {
    const server = await startTestServer({ env: { NODE_ENV: "production" } });
    try {
      assert.deepEqual(server.config.corsOrigins, []);
      for (const p of probes) {
        const seen = await probe(server, p, "https://game.example");
        assert.deepEqual([seen.preflight, seen.answer], [null, null], p.name);
      }
    } finally {
      await server.close();
    }
  });

  it("default outside production: any origin is reflected (never `*` with a real origin, never credentials)", async () => {
    const server = await startTestServer();
    try {
      assert.equal(server.config.corsOrigins, "*");
      for (const p of probes) {
        const seen = await probe(server, p, "http://localhost:5173");
        assert.deepEqual([seen.preflight, seen.answer], ["http://localhost:5173", "http://localhost:5173"], p.name);
        assert.deepEqual(seen.credentials, [null, null], p.name);
      }
    } finally {
      await server.close();
    }
  });
});
