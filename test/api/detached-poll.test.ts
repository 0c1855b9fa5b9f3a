import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Koa from "koa";
import { Registry } from "prom-client";
import type { ApiState } from "../../api/context.ts";
import { Lifecycle } from "../../api/lifecycle.ts";
import { errorMiddleware } from "../../api/middleware/errors.ts";
import { requestContext } from "../../api/middleware/request-context.ts";
import { matchResultRoutes } from "../../api/routes/match-results.ts";
import { createLogger } from "../../server/logger.ts";
import { TokenService } from "../../server/token-service.ts";
import { AppError } from "../../shared/index.ts";
import type { ResultStore } from "../../store/match-results.ts";
import { MemoryMatchResultStore } from "../../store/memory/match-results.ts";
import { LocalNotifications } from "../../store/common/local-notifications.ts";
import { makeResult } from "../helpers/store-harness.ts";
import { TEST_TOKEN_SECRET } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/**
 * A parked long poll is answered after Koa's middleware chain has returned
 * (api/long-poll/answer-detached.ts). Its answers must be the chain's
 * answers: the same headers, the same error shape when the store fails
 * after parking, and no body for HEAD. The routes on a bare Koa app, with a
 * results store that can be made to fail.
 */
describe("long polls answered outside the middleware chain", function () {
  this.timeout(20_000);
  let server: http.Server;
  let base: string;
  let token: string;
  let failing = false;
  let close: () => void;
  const results = new MemoryMatchResultStore();
  const notifications = new LocalNotifications();
  const wakeErrors: unknown[] = [];
  const registry = new Registry();

  before(async () => {
    // The memory store, whose feed reads fail while `failing` is set.
    const store: ResultStore = {
      record: (result) => results.record(result),
      get: (matchId) => results.get(matchId),
      listByPlayer: (playerId, options) => results.listByPlayer(playerId, options),
      head: () => results.head(),
      expect: (matchId, ttlSeconds) => results.expect(matchId, ttlSeconds),
      isExpected: (matchId) => results.isExpected(matchId),
      claim: (matchId, owner, ttlSeconds) => results.claim(matchId, owner, ttlSeconds),
      releaseClaim: (matchId, owner) => results.releaseClaim(matchId, owner),
      after: async (afterSeq, limit) => {
        if (failing) throw new AppError("STORE_UNAVAILABLE", "The results store is unavailable; retry", { retryAfter: 2 });
        return results.after(afterSeq, limit);
      },
    };
    const tokens = new TokenService({ secret: TEST_TOKEN_SECRET, ttlSeconds: 600 });
    const routes = matchResultRoutes({
      results: store,
      notifications,
      tokens,
      lifecycle: new Lifecycle(),
      registry,
      options: { perClient: 8, maxWaitSeconds: 25 },
      onError: (error) => wakeErrors.push(error),
    });
    close = routes.close;
    const app = new Koa<ApiState>();
    app.use(requestContext(createLogger("silent"), { observe: () => undefined }));
    app.use(errorMiddleware());
    app.use(routes.router.routes());
    server = http.createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    token = (await tokens.issue({ playerId: "p_detached001", name: "D" })).token;
  });
  after(async () => {
    close();
    await new Promise((resolve) => server.close(resolve));
  });

  const pending = async () => {
    const line = (await registry.metrics()).split("\n").find((l) => l.startsWith("longpoll_pending "));
    return Number(line?.split(" ")[1] ?? 0);
  };
  const get = (path: string, init: { method?: string; requestId?: string } = {}) =>
    fetch(`${base}${path}`, { method: init.method ?? "GET", headers: { authorization: `Bearer ${token}`, ...(init.requestId ? { "x-request-id": init.requestId } : {}) } });

  it("a held poll's answer carries the chain's headers (request id, no-store, JSON with its length)", async () => {
    const matchId = `m_detached${process.pid}a`;
    await results.expect(matchId, 60);
    const held = get(`/v1/matches/${matchId}/result?wait=25&cursor=c7`, { requestId: "held-1" });
    await waitFor(async () => (await pending()) === 1, "the poll to park");
    const recorded = (await results.record(makeResult({ matchId }))).result;
    notifications.emit({ type: "result", matchId, seq: recorded.seq });
    const response = await held;
    const text = await response.text();
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-request-id"), "held-1");
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
    assert.equal(Number(response.headers.get("content-length")), Buffer.byteLength(text));
    assert.deepEqual(JSON.parse(text), { cursor: `r${recorded.seq}`, final: true, changed: true, result: recorded });
  });

  it("HEAD on a held poll answers the headers with no body", async () => {
    const matchId = `m_detached${process.pid}b`;
    await results.expect(matchId, 60);
    const response = await get(`/v1/matches/${matchId}/result?wait=1&cursor=c8`, { method: "HEAD" });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.equal(Number(response.headers.get("content-length")), Buffer.byteLength(JSON.stringify({ cursor: "c8", final: false, changed: false })));
    assert.equal(await response.text(), "");
  });

  it("a store failure after parking answers in the error shape, like the error middleware", async () => {
    const head = (await (await get("/v1/matches/results")).json()) as { cursor: string };
    const held = get(`/v1/matches/results?after=${head.cursor}&wait=1`, { requestId: "held-2" });
    await waitFor(async () => (await pending()) === 1, "the feed poll to park");
    failing = true;
    try {
      // A notification arrives but the wake-up read fails; the hold ends and the poll's own read fails too.
      notifications.emit({ type: "result", matchId: "m_nowhere000001", seq: 999 });
      const response = await held;
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("x-request-id"), "held-2");
      assert.equal(response.headers.get("cache-control"), "no-store");
      assert.equal(response.headers.get("retry-after"), "2");
      assert.deepEqual(await response.json(), { error: { code: "STORE_UNAVAILABLE", message: "The results store is unavailable; retry" } });
      assert.ok(wakeErrors.length >= 1, "the failed wake-up read was reported");
    } finally {
      failing = false;
    }
    assert.equal(await pending(), 0);
  });
});
