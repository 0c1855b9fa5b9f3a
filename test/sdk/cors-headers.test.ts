import assert from "node:assert/strict";
import { createClient, type FetchLike, type LeaderboardSubscription } from "../../client-sdk/index.ts";
import { CORS_METHODS, CORS_REQUEST_HEADERS } from "../../shared/cors.ts";
import { useTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/** Headers a browser sets by itself or that need no preflight (Fetch standard: CORS-safelisted for any value the SDK uses). */
const SAFELISTED = new Set(["accept", "accept-language", "content-language"]);

interface Sent {
  method: string;
  path: string;
  headers: string[];
}

/** A fetch that records every request the SDK makes (method, path, header names) and then really sends it. */
function recordingFetch(sent: Sent[]): FetchLike {
  return (input, init) => {
    const url = new URL(input);
    sent.push({ method: (init?.method ?? "GET").toUpperCase(), path: url.pathname, headers: [...new Headers(init?.headers).keys()] });
    return fetch(input, init);
  };
}

/** Drives every part of the SDK that talks HTTP; failures (404s) are fine: the request was sent. */
async function driveEverything(server: TestServer, sent: Sent[]): Promise<void> {
  const client = createClient({ url: server.httpUrl, fetch: recordingFetch(sent), network: null });
  const quietly = (promise: Promise<unknown>) => promise.catch(() => undefined);
  const session = await client.auth.signInAsGuest("Cors");
  await client.auth.refresh();
  await client.leaderboards.list();
  await client.leaderboards.top("goals", { limit: 5 });
  await quietly(client.leaderboards.get("goals", session.player.playerId));
  await quietly(client.leaderboards.around("goals", session.player.playerId));
  for (const transport of ["sse", "long-poll"] as const) {
    let subscription: LeaderboardSubscription | undefined;
    await new Promise<void>((resolve) => {
      subscription = client.leaderboards.subscribe("goals", { transport, pollWaitSeconds: 1 }, () => resolve());
    });
    subscription!.close();
  }
  await quietly(client.matches.waitForResult("m_cors_unknown_1", { wait: 1, maxAttempts: 0 }));
  await quietly(client.matches.get("m_cors_unknown_1"));
  await quietly(client.matches.history(session.player.playerId));
  // The feed's first poll answers the head at once, the next one is held: abort it.
  await quietly(client.matches.feed({ wait: 1, signal: AbortSignal.timeout(300) })[Symbol.asyncIterator]().next());
  const viewer = client.matches.spectate("m_cors_unknown_1", () => undefined);
  await waitFor(() => viewer.state === "closed", "the spectate stream answered (404)");
  const league = await client.leagues.create({ name: "Cors league" });
  await client.leagues.list();
  await client.leagues.get(league.id);
  await quietly(client.leagues.join(league.inviteCode, "Cors FC"));
  const game = await client.rooms.game.joinOrCreate({ teamSize: 1, private: true });
  await game.leave();
}

describe("sdk: CORS admits every header and method the SDK sends", function () {
  this.timeout(30_000);
  const sent: Sent[] = [];

  // Only this origin is allowed: a real allow list, not the development "reflect any origin".
  const server = useTestServer({ env: { CORS_ORIGINS: "http://localhost:5173" } });
  before(async () => {
    await driveEverything(server, sent);
  });

  it("sanity: the drive reached the API (auth, boards, streams, polls, leagues) and the matchmaker", () => {
    const paths = new Set(sent.map((s) => s.path.replace(/\/(?:[^/]*_[^/]*|\d+)(?=\/|$)/g, "/:id")));
    for (const expected of ["/v1/auth/guest", "/v1/auth/refresh", "/v1/leaderboards/goals/stream", "/v1/leaderboards/goals/changes", "/v1/leagues"]) {
      assert.ok(paths.has(expected), `${expected} was requested (saw ${[...paths].join(", ")})`);
    }
    assert.ok(sent.some((s) => s.path.startsWith("/matchmake/")), "a matchmake request");
    assert.ok(sent.some((s) => s.headers.includes("cache-control") && s.headers.includes("authorization")), "a stream request with its headers");
  });

  it("every header the SDK sent is in the one list (shared/cors.ts) the servers admit", () => {
    const names = new Set(sent.flatMap((s) => s.headers));
    const unlisted = [...names].filter((name) => !CORS_REQUEST_HEADERS.includes(name as never));
    assert.deepEqual(unlisted, [], "a header the SDK sends is missing from CORS_REQUEST_HEADERS");
    const methods = new Set(sent.map((s) => s.method));
    assert.deepEqual([...methods].filter((m) => !CORS_METHODS.includes(m as never)), []);
  });

  for (const [label, select] of [
    ["the API (/v1, Koa)", (s: Sent) => s.path.startsWith("/v1/")],
    ["the matchmaker (/matchmake, Colyseus)", (s: Sent) => s.path.startsWith("/matchmake/")],
  ] as const) {
    it(`${label}: a preflight for each request the SDK made admits its method and every non-safelisted header, without credentials`, async () => {
      const requests = sent.filter(select);
      assert.ok(requests.length > 0);
      for (const request of requests) {
        const asked = request.headers.filter((name) => !SAFELISTED.has(name));
        const preflight = await fetch(`${server.httpUrl}${request.path}`, {
          method: "OPTIONS",
          headers: { origin: "http://localhost:5173", "access-control-request-method": request.method, "access-control-request-headers": asked.join(",") },
        });
        await preflight.body?.cancel();
        const what = `${request.method} ${request.path} [${asked.join(", ")}]`;
        assert.equal(preflight.headers.get("access-control-allow-origin"), "http://localhost:5173", what);
        const allowed = (preflight.headers.get("access-control-allow-headers") ?? "").split(",").map((h) => h.trim().toLowerCase());
        assert.deepEqual(asked.filter((name) => !allowed.includes(name)), [], `${what}: headers refused`);
        const methods = (preflight.headers.get("access-control-allow-methods") ?? "").split(",").map((m) => m.trim().toUpperCase());
        assert.ok(methods.includes(request.method), `${what}: method refused (${methods.join(",")})`);
        assert.equal(preflight.headers.get("access-control-allow-credentials"), null, `${what}: never with credentials`);
      }
    });

    it(`${label}: the preflight admits the whole list, so an app may send any of them`, async () => {
      const path = sent.find(select)!.path;
      const preflight = await fetch(`${server.httpUrl}${path}`, {
        method: "OPTIONS",
        headers: { origin: "http://localhost:5173", "access-control-request-method": "POST", "access-control-request-headers": CORS_REQUEST_HEADERS.join(",") },
      });
      await preflight.body?.cancel();
      const allowed = (preflight.headers.get("access-control-allow-headers") ?? "").split(",").map((h) => h.trim().toLowerCase());
      assert.deepEqual(CORS_REQUEST_HEADERS.filter((name) => !allowed.includes(name)), []);
    });
  }
});
