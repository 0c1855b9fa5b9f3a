import Router from "@koa/router";
import { Counter, Gauge, type Registry } from "prom-client";
import {
  AppError,
  LONG_POLL_WAIT,
  MatchFeedQuery,
  MatchId,
  MatchResultPollQuery,
  PlayerMatchesQuery,
  parseOrThrow,
  type MatchFeedResponse,
  type MatchResultPollResponse,
  type PlayerMatchesResponse,
  type RecordedMatchResult,
  type TokenVerifier,
} from "../../shared/index.ts";
import type { ResultStore } from "../../store/match-results.ts";
import type { ChangeNotifications } from "../../store/notifications.ts";
import type { ApiContext, ApiState } from "../context.ts";
import type { Lifecycle } from "../lifecycle.ts";
import { WaiterRegistry, type WaitOutcome } from "../long-poll/waiter-registry.ts";
import { requireAuth } from "../middleware/auth.ts";

export interface LongPollOptions {
  /** Pending polls per player. @default 8 */
  perClient: number;
  /** The longest hold, seconds (below the 30 s proxy class). @default 25 */
  maxWaitSeconds: number;
}

export interface MatchResultRoutesDeps {
  results: ResultStore;
  notifications: ChangeNotifications;
  tokens: TokenVerifier;
  lifecycle: Lifecycle;
  registry: Registry;
  options: LongPollOptions;
  onError: (error: unknown) => void;
}

const FEED_KEY = "\u0000feed";

/**
 * Match results for clients without a WebSocket (DESIGN §7):
 * `GET /v1/matches/:id/result?wait=&cursor=` (one match),
 * `GET /v1/matches/results?after=&wait=&limit=` (the ordered feed),
 * `GET /v1/matches/:id`, `GET /v1/players/:id/matches`.
 *
 * Parked polls live in one waiter registry. A "result recorded" notification
 * (from any process) wakes the waiters of that match with ONE store read,
 * and the feed's waiters with one read of the new results.
 */
export function matchResultRoutes(deps: MatchResultRoutesDeps): { router: Router<ApiState>; close: () => void } {
  const waiters = new WaiterRegistry<RecordedMatchResult | RecordedMatchResult[]>({ maxPerClient: deps.options.perClient });
  const registers = [deps.registry];
  const metrics = {
    pending: new Gauge({ name: "longpoll_pending", help: "Parked long polls", registers, collect() { this.set(waiters.size); } }),
    wakeups: new Counter({ name: "longpoll_wakeups_total", help: "Store reads that woke parked polls", labelNames: ["kind"] as const, registers }),
    answers: new Counter({ name: "longpoll_answers_total", help: "Long-poll answers by outcome", labelNames: ["outcome"] as const, registers }),
  };
  /**
   * The feed position parked feed polls wait beyond, in the epoch it belongs
   * to: a seq from an older epoch (the feed restarted) must not hide new results.
   */
  let feedSeen = { epoch: "", seq: -1 };

  const wakeMatch = async (matchId: string) => {
    if (!waiters.has(matchId)) return;
    const result = await deps.results.get(matchId);
    if (!result) return;
    metrics.wakeups.inc({ kind: "match" });
    waiters.wake(matchId, result);
  };
  const wakeFeed = async () => {
    if (!waiters.has(FEED_KEY) || feedSeen.seq < 0) return;
    const fresh = await deps.results.after(feedSeen.seq, 100);
    if (fresh.length === 0) return;
    metrics.wakeups.inc({ kind: "feed" });
    waiters.wake(FEED_KEY, fresh);
  };
  const unsubscribe = deps.notifications.subscribe((event) => {
    if (event.type === "result") {
      wakeMatch(event.matchId).catch(deps.onError);
      wakeFeed().catch(deps.onError);
    } else if (event.type === "resync") {
      for (const key of [...waiters.keys()]) if (key !== FEED_KEY) wakeMatch(key).catch(deps.onError);
      wakeFeed().catch(deps.onError);
    }
  });
  // Each drained poll counts itself in `longpoll_answers_total{outcome="drained"}` when it answers.
  deps.lifecycle.onDrain(() => {
    waiters.drain();
  });

  /**
   * Parks a poll. `changedMeanwhile` closes the race between the caller's read
   * and the parking: if it says something landed in between, wake at once.
   */
  const park = async (ctx: ApiContext, key: string, waitSeconds: number, changedMeanwhile: () => Promise<boolean>): Promise<WaitOutcome<RecordedMatchResult | RecordedMatchResult[]>> => {
    const seconds = Math.min(Math.max(waitSeconds, LONG_POLL_WAIT.min), deps.options.maxWaitSeconds);
    // A little jitter so a crowd of pollers does not come back in lockstep.
    const ms = seconds * 1000 * (0.9 + Math.random() * 0.1);
    const abort = new AbortController();
    const onClose = () => abort.abort();
    ctx.req.once("close", onClose);
    try {
      const parked = waiters.wait(key, ctx.state.player!.playerId, ms, abort.signal);
      if (await changedMeanwhile()) {
        if (key === FEED_KEY) await wakeFeed();
        else await wakeMatch(key);
      }
      return await parked;
    } finally {
      ctx.req.off("close", onClose);
    }
  };

  const checkDraining = () => {
    if (deps.lifecycle.draining) throw new AppError("DRAINING", "This server is draining; poll again", { retryAfter: 2 });
  };

  const router = new Router<ApiState>();
  router.use(["/v1/matches", "/v1/players"], requireAuth(deps.tokens));
  router.use(async (ctx, next) => {
    await next();
    ctx.set("Cache-Control", "no-store");
  });

  router.get("/v1/matches/results", async (ctx) => {
    checkDraining();
    const query = parseOrThrow(MatchFeedQuery, ctx.query, "feed query");
    const head = await deps.results.head();
    let after: number;
    let reset = false;
    if (query.after === undefined) {
      after = head.seq;
    } else {
      const match = /^([A-Za-z0-9_-]{1,64}):(\d{1,15})$/.exec(query.after);
      if (!match) throw new AppError("BAD_CURSOR", "`after` must be the cursor from a previous answer (`epoch:seq`)");
      // A cursor ahead of the head cannot come from this feed (it lost its tail, or the cursor was made up):
      // start over like a cursor from another epoch rather than wait for seqs that may never be these.
      reset = match[1] !== head.epoch || Number(match[2]) > head.seq;
      after = reset ? 0 : Number(match[2]);
    }
    const cursorOf = (seq: number) => `${head.epoch}:${seq}`;
    let results = after < head.seq ? await deps.results.after(after, query.limit) : [];
    // Without `after` the answer is the head's cursor, at once (nothing to wait beyond yet).
    if (results.length === 0 && query.wait > 0 && !reset && query.after !== undefined) {
      feedSeen = feedSeen.epoch === head.epoch ? { epoch: head.epoch, seq: Math.max(feedSeen.seq, after) } : { epoch: head.epoch, seq: after };
      const outcome = await park(ctx, FEED_KEY, query.wait, async () => (await deps.results.head()).seq > after);
      metrics.answers.inc({ outcome: outcome.kind });
      if (outcome.kind === "woken" || outcome.kind === "timeout") {
        const woken = outcome.kind === "woken" ? (outcome.value as RecordedMatchResult[]).filter((r) => r.seq > after) : [];
        // A wake-up read from an older position, or a result recorded while this poll was parking: read our own gap.
        results = woken.length > 0 && woken[0].seq === after + 1 ? woken.slice(0, query.limit) : await deps.results.after(after, query.limit);
        if (results.length > 0 && feedSeen.epoch === head.epoch) feedSeen.seq = Math.max(feedSeen.seq, results[results.length - 1].seq);
      }
    }
    const last = results.length > 0 ? results[results.length - 1].seq : after;
    ctx.body = { cursor: cursorOf(last), results, changed: results.length > 0, ...(reset ? { reset } : {}) } satisfies MatchFeedResponse;
  });

  router.get("/v1/matches/:id/result", async (ctx) => {
    checkDraining();
    const query = parseOrThrow(MatchResultPollQuery, ctx.query, "poll query");
    const matchId = matchIdOr404(ctx.params.id);
    const found = await deps.results.get(matchId);
    if (found) {
      metrics.answers.inc({ outcome: "immediate" });
      ctx.body = resultAnswer(found);
      return;
    }
    if (!(await deps.results.isExpected(matchId))) throw new AppError("NOT_FOUND", `No match "${matchId}" is running or recorded`);
    const cursor = query.cursor ?? "pending";
    if (query.wait <= 0) {
      ctx.body = { cursor, final: false, changed: false } satisfies MatchResultPollResponse;
      return;
    }
    const outcome = await park(ctx, matchId, query.wait, async () => (await deps.results.get(matchId)) !== undefined);
    metrics.answers.inc({ outcome: outcome.kind });
    const result = outcome.kind === "woken" ? (outcome.value as RecordedMatchResult) : undefined;
    ctx.body = result ? resultAnswer(result) : ({ cursor, final: false, changed: false } satisfies MatchResultPollResponse);
  });

  router.get("/v1/matches/:id", async (ctx) => {
    const matchId = matchIdOr404(ctx.params.id);
    const found = await deps.results.get(matchId);
    if (!found) throw new AppError("NOT_FOUND", `No result for match "${matchId}"`);
    ctx.body = found;
  });

  router.get("/v1/players/:id/matches", async (ctx) => {
    const query = parseOrThrow(PlayerMatchesQuery, ctx.query, "history query");
    const playerId = String(ctx.params.id);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/.test(playerId)) throw new AppError("NOT_FOUND", "Not a player id");
    const page = await deps.results.listByPlayer(playerId, { limit: query.limit, cursor: query.cursor });
    ctx.body = page satisfies PlayerMatchesResponse;
  });

  return {
    router,
    close: () => {
      unsubscribe();
      waiters.drain();
    },
  };
}

function matchIdOr404(value: unknown): string {
  const parsed = MatchId.safeParse(value);
  // An id that can never exist is 404, not 400 (DESIGN §7).
  if (!parsed.success) throw new AppError("NOT_FOUND", "Not a match id");
  return parsed.data;
}

function resultAnswer(result: RecordedMatchResult): MatchResultPollResponse {
  return { cursor: `r${result.seq}`, final: true, changed: true, result };
}
