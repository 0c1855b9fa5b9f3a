import type Router from "@koa/router";
import type { Registry } from "prom-client";
import { AppError, MatchId, OwnerId, parseEpochCursor, type MatchResultPollResponse, type TokenVerifier } from "../../shared/index.ts";
import type { ResultStore } from "../../store/match-results.ts";
import type { ChangeNotifications } from "../../store/notifications.ts";
import type { ApiState } from "../context.ts";
import { contractRouter } from "../contract-router.ts";
import type { Lifecycle } from "../lifecycle.ts";
import { feedBody, resultAnswer, ResultWaker, type LongPollOptions } from "../long-poll/result-waker.ts";
import { requireAuth } from "../middleware/auth.ts";

export type { LongPollOptions };

export interface MatchResultRoutesDeps {
  results: ResultStore;
  notifications: ChangeNotifications;
  tokens: TokenVerifier;
  lifecycle: Lifecycle;
  registry: Registry;
  options: LongPollOptions;
  onError: (error: unknown) => void;
  /** `longpoll_result_to_answer_seconds` (ResultWaker). */
  latency?: { observe(seconds: number): void };
}

/**
 * Match results for clients without a WebSocket (docs/protocol.md "Match
 * results (long polling)"): `GET /v1/matches/:id/result?wait=&cursor=` (one
 * match), `GET /v1/matches/results?after=&wait=&limit=` (the ordered feed),
 * `GET /v1/matches/:id`, `GET /v1/players/:id/matches`. Every route needs a
 * player token. The polls answer at once when they can; otherwise they park
 * in the ResultWaker (api/long-poll/result-waker.ts), which wakes them when
 * a result is recorded on any process.
 */
export function matchResultRoutes(deps: MatchResultRoutesDeps): { router: Router<ApiState>; close: () => void } {
  const waker = new ResultWaker(deps);
  // Each drained poll counts itself in `longpoll_answers_total{outcome="drained"}` when it answers.
  deps.lifecycle.onDrain(() => waker.drain());
  const checkDraining = () => {
    if (deps.lifecycle.draining) throw new AppError("DRAINING", "This server is draining; poll again", { retryAfter: 2 });
  };

  const router = contractRouter(
    {
      "GET /v1/matches/results": async (ctx, request) => {
        checkDraining();
        const notifiedBefore = waker.notified;
        const query = request.query("feed query");
        const head = await deps.results.head();
        let after = head.seq;
        let reset = false;
        if (query.after !== undefined) {
          const cursor = parseEpochCursor(query.after);
          if (!cursor) throw new AppError("BAD_CURSOR", "`after` must be the cursor from a previous answer (`epoch:seq`)");
          // A cursor ahead of the head cannot come from this feed (it lost its tail, or the cursor was made up):
          // start over like a cursor from another epoch rather than wait for seqs that may never be these.
          reset = cursor.epoch !== head.epoch || cursor.position > head.seq;
          after = reset ? 0 : cursor.position;
        }
        const results = after < head.seq ? await deps.results.after(after, query.limit) : [];
        // Without `after` the answer is the head's cursor, at once (nothing to wait beyond yet).
        // HEAD asks for the headers only: answered at once, it holds no slot.
        if (results.length > 0 || query.wait <= 0 || reset || query.after === undefined || ctx.method === "HEAD") return feedBody(head.epoch, after, results, reset);
        await waker.waitForFeed(ctx, { epoch: head.epoch, after, limit: query.limit, waitSeconds: query.wait, notifiedBefore });
      },
      "GET /v1/matches/:id/result": async (ctx, request) => {
        checkDraining();
        const notifiedBefore = waker.notified;
        const query = request.query("poll query");
        const matchId = matchIdOr404(request.params.id);
        const found = await deps.results.get(matchId);
        if (found) {
          waker.answeredAtOnce();
          return resultAnswer(found);
        }
        if (!(await deps.results.isExpected(matchId))) throw new AppError("NOT_FOUND", `No match "${matchId}" is running or recorded`);
        const cursor = query.cursor ?? "pending";
        if (query.wait <= 0 || ctx.method === "HEAD") return { cursor, final: false, changed: false } satisfies MatchResultPollResponse;
        await waker.waitForMatch(ctx, { matchId, cursor, waitSeconds: query.wait, notifiedBefore });
      },
      "GET /v1/matches/:id": async (_ctx, request) => {
        const matchId = matchIdOr404(request.params.id);
        const found = await deps.results.get(matchId);
        if (!found) throw new AppError("NOT_FOUND", `No result for match "${matchId}"`);
        return found;
      },
      "GET /v1/players/:id/matches": async (_ctx, request) => {
        const query = request.query("history query");
        const playerId = request.params.id;
        if (!OwnerId.safeParse(playerId).success) throw new AppError("NOT_FOUND", "Not a player id");
        return deps.results.listByPlayer(playerId, { limit: query.limit, cursor: query.cursor });
      },
    },
    {
      requireAuth: requireAuth(deps.tokens),
      use: [
        async (ctx, next) => {
          await next();
          ctx.set("Cache-Control", "no-store");
        },
      ],
    },
  );
  return { router, close: () => waker.close() };
}

function matchIdOr404(value: string): string {
  const parsed = MatchId.safeParse(value);
  // An id that can never exist is 404, not 400: no such match can ever answer.
  if (!parsed.success) throw new AppError("NOT_FOUND", "Not a match id");
  return parsed.data;
}
