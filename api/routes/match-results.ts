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
import { answerDetached } from "../long-poll/answer-detached.ts";
import { WaiterRegistry, jitteredHold, type WaitOutcome } from "../long-poll/waiter-registry.ts";
import { requireAuth } from "../middleware/auth.ts";
import { ConnectionBudget } from "../limits/connection-budget.ts";

export interface LongPollOptions {
  /** Pending polls per player (POLLS_PER_CLIENT). @default 8 */
  perClient: number;
  /** Pending polls from one client IP, whatever its tokens (POLLS_PER_IP). Unset: none. */
  perIp?: number;
  /** Pending polls on this process (POLLS_MAX). Unset: none. */
  max?: number;
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
 * and the feed's waiters with one read of the new results; every waiter of
 * one wake-up gets the same answer bytes, serialised once.
 *
 * A parked poll is held OUTSIDE Koa's middleware chain (answer-detached.ts):
 * the handler returns with `ctx.respond = false` and the waiter writes the
 * answer, so thousands of held polls cost their sockets and a small waiter
 * each, not a suspended chain of a dozen middleware frames.
 */
export function matchResultRoutes(deps: MatchResultRoutesDeps): { router: Router<ApiState>; close: () => void } {
  const budget = new ConnectionBudget({
    what: "pending polls",
    perClient: { max: deps.options.perClient, variable: "POLLS_PER_CLIENT", code: "TOO_MANY_POLLS", retryAfter: 1 },
    perIp: deps.options.perIp === undefined ? undefined : { max: deps.options.perIp, variable: "POLLS_PER_IP", code: "TOO_MANY_POLLS", retryAfter: 5 },
    total: deps.options.max === undefined ? undefined : { max: deps.options.max, variable: "POLLS_MAX", retryAfter: 5 },
  });
  const waiters = new WaiterRegistry<RecordedMatchResult | RecordedMatchResult[]>({ budget });
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
  /**
   * How many result/resync notifications this process has seen. A poll that
   * samples it before its first store read and finds it unchanged when it
   * parks knows nothing was recorded in between (a result is readable before
   * its notification goes out), so it skips the re-read that closes that race.
   */
  let notified = 0;

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
      notified++;
      wakeMatch(event.matchId).catch(deps.onError);
      wakeFeed().catch(deps.onError);
    } else if (event.type === "resync") {
      notified++;
      for (const key of [...waiters.keys()]) if (key !== FEED_KEY) wakeMatch(key).catch(deps.onError);
      wakeFeed().catch(deps.onError);
    }
  });
  // Each drained poll counts itself in `longpoll_answers_total{outcome="drained"}` when it answers.
  deps.lifecycle.onDrain(() => {
    waiters.drain();
  });

  /**
   * Parks a poll and answers it with `answer(outcome)` (which sets `ctx.body`)
   * once woken, timed out, drained or abandoned. `changedMeanwhile` closes the
   * race between the caller's read and the parking — run only when a
   * notification arrived since `notifiedBefore`: if it says something landed
   * in between, wake at once. Until then the poll is still in the middleware
   * chain (errors answer the usual way); after, it is detached.
   */
  const park = async (
    ctx: ApiContext,
    key: string,
    waitSeconds: number,
    notifiedBefore: number,
    changedMeanwhile: () => Promise<boolean>,
    answer: (outcome: WaitOutcome<RecordedMatchResult | RecordedMatchResult[]>) => void | Promise<void>,
  ): Promise<void> => {
    const seconds = Math.min(Math.max(waitSeconds, LONG_POLL_WAIT.min), deps.options.maxWaitSeconds);
    // A little jitter so a crowd of pollers does not come back in lockstep.
    const ms = jitteredHold(seconds * 1000);
    let early: WaitOutcome<RecordedMatchResult | RecordedMatchResult[]> | undefined;
    let detached = false;
    let failed = false;
    // What a parked poll holds stays small: no named closures here (tsx compiles with esbuild's
    // keepNames, which gives each named function made per request a property store of its own).
    const waiter = waiters.park(
      key,
      ctx.state.player!.playerId,
      ms,
      (outcome) => {
        if (failed) return;
        metrics.answers.inc({ outcome: outcome.kind });
        if (detached) answerDetached(ctx, () => answer(outcome)).catch(deps.onError);
        else early = outcome;
      },
      ctx.ip,
    );
    // The client went away: release the slot at once. (Node also emits `close` after an answer; cancel is then a no-op.)
    ctx.req.on("close", () => waiters.cancel(waiter));
    try {
      if (notified !== notifiedBefore && (await changedMeanwhile())) {
        if (key === FEED_KEY) await wakeFeed();
        else await wakeMatch(key);
      }
    } catch (error) {
      // Answered by the error middleware, not as a poll outcome.
      failed = true;
      waiters.cancel(waiter);
      throw error;
    }
    if (early) return answer(early);
    // From here the waiter writes the answer; the headers the chain adds on its way out must already be there.
    ctx.set("Cache-Control", "no-store");
    ctx.respond = false;
    detached = true;
  };

  const checkDraining = () => {
    if (deps.lifecycle.draining) throw new AppError("DRAINING", "This server is draining; poll again", { retryAfter: 2 });
  };

  /** One JSON answer per wake-up and (epoch, after, limit): every feed poll of a crowd shares it. */
  const feedAnswers = new WeakMap<RecordedMatchResult[], Map<string, { json: string; last: number } | null>>();
  /** The woken answer of a poll that waited beyond `after`, or null when the wake-up read does not start right after it. */
  const feedAnswer = (woken: RecordedMatchResult[], epoch: string, after: number, limit: number) => {
    let answers = feedAnswers.get(woken);
    if (!answers) feedAnswers.set(woken, (answers = new Map()));
    const key = `${epoch}:${after}:${limit}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      const fresh = woken.filter((r) => r.seq > after);
      // A wake-up read from an older position, or a result recorded while this poll was parking: the poll reads its own gap.
      const results = fresh.length > 0 && fresh[0].seq === after + 1 ? fresh.slice(0, limit) : undefined;
      const last = results ? results[results.length - 1].seq : after;
      answer = results ? { json: JSON.stringify({ cursor: `${epoch}:${last}`, results, changed: true } satisfies MatchFeedResponse), last } : null;
      answers.set(key, answer);
    }
    return answer;
  };
  const matchAnswers = new WeakMap<RecordedMatchResult, string>();
  const setJson = (ctx: ApiContext, json: string) => {
    ctx.type = "json";
    ctx.body = json;
  };

  const router = new Router<ApiState>();
  router.use(["/v1/matches", "/v1/players"], requireAuth(deps.tokens));
  router.use(async (ctx, next) => {
    await next();
    ctx.set("Cache-Control", "no-store");
  });

  router.get("/v1/matches/results", async (ctx) => {
    checkDraining();
    const notifiedBefore = notified;
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
    const results = after < head.seq ? await deps.results.after(after, query.limit) : [];
    // Without `after` the answer is the head's cursor, at once (nothing to wait beyond yet).
    // HEAD asks for the headers only: answered at once, it holds no slot.
    if (results.length > 0 || query.wait <= 0 || reset || query.after === undefined || ctx.method === "HEAD") {
      ctx.body = feedBody(head.epoch, after, results, reset);
      return;
    }
    const epoch = head.epoch;
    const limit = query.limit;
    feedSeen = feedSeen.epoch === head.epoch ? { epoch: head.epoch, seq: Math.max(feedSeen.seq, after) } : { epoch: head.epoch, seq: after };
    await park(ctx, FEED_KEY, query.wait, notifiedBefore, async () => (await deps.results.head()).seq > after, async (outcome) => {
      if (outcome.kind === "woken") {
        const shared = feedAnswer(outcome.value as RecordedMatchResult[], epoch, after, limit);
        if (shared !== null) {
          if (feedSeen.epoch === epoch) feedSeen.seq = Math.max(feedSeen.seq, shared.last);
          setJson(ctx, shared.json);
          return;
        }
      }
      // Timed out with no notification since the head was read: nothing was recorded after it, no read needed.
      const read = outcome.kind === "woken" || (outcome.kind === "timeout" && notified !== notifiedBefore);
      const fresh = read ? await deps.results.after(after, limit) : [];
      if (fresh.length > 0 && feedSeen.epoch === epoch) feedSeen.seq = Math.max(feedSeen.seq, fresh[fresh.length - 1].seq);
      ctx.body = feedBody(epoch, after, fresh, false);
    });
  });

  router.get("/v1/matches/:id/result", async (ctx) => {
    checkDraining();
    const notifiedBefore = notified;
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
    if (query.wait <= 0 || ctx.method === "HEAD") {
      ctx.body = { cursor, final: false, changed: false } satisfies MatchResultPollResponse;
      return;
    }
    await park(ctx, matchId, query.wait, notifiedBefore, async () => (await deps.results.get(matchId)) !== undefined, (outcome) => {
      if (outcome.kind !== "woken") {
        ctx.body = { cursor, final: false, changed: false } satisfies MatchResultPollResponse;
        return;
      }
      const result = outcome.value as RecordedMatchResult;
      let json = matchAnswers.get(result);
      if (json === undefined) matchAnswers.set(result, (json = JSON.stringify(resultAnswer(result))));
      setJson(ctx, json);
    });
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

function feedBody(epoch: string, after: number, results: RecordedMatchResult[], reset: boolean): MatchFeedResponse {
  const last = results.length > 0 ? results[results.length - 1].seq : after;
  return { cursor: `${epoch}:${last}`, results, changed: results.length > 0, ...(reset ? { reset } : {}) };
}

function resultAnswer(result: RecordedMatchResult): MatchResultPollResponse {
  return { cursor: `r${result.seq}`, final: true, changed: true, result };
}
