import Router from "@koa/router";
import { z } from "zod";
import {
  AppError,
  LeaderboardStreamQuery,
  parseOrThrow,
  type LeaderboardStreamMessage,
  type TokenVerifier,
} from "../../shared/index.ts";
import { LeaderboardId } from "../../shared/leaderboards.ts";
import type { ApiContext, ApiState } from "../context.ts";
import type { Lifecycle } from "../lifecycle.ts";
import type { StreamHub } from "../leaderboard-streams/stream-hub.ts";
import { streamClaims } from "../middleware/auth.ts";
import { parseCursor, type StreamCursor } from "../sse/event-format.ts";
import { SseStream } from "../sse/sse-stream.ts";
import type { StreamAdmission } from "../sse/stream-admission.ts";

/** Named limits of leaderboard streams (config: STREAM_*, LEADERBOARDS_PUBLIC). */
export interface StreamOptions {
  /** @default 15000 */
  heartbeatMs: number;
  /** @default 600000 */
  lifetimeMs: number;
  /** @default 5000 */
  writeDeadlineMs: number;
  /** Concurrent streams (and parked change polls) per client (player, else IP). @default 8 */
  perClient: number;
  /** Longest hold of a `changes` long poll, seconds. @default 25 */
  maxWaitSeconds: number;
  /** When false, streams need a token. @default true */
  public: boolean;
}

export interface LeaderboardStreamDeps {
  hub: StreamHub;
  admission: StreamAdmission;
  boardExists: (boardId: string) => Promise<boolean>;
  tokens: TokenVerifier;
  lifecycle: Lifecycle;
  options: StreamOptions;
}

const ChangesQuery = LeaderboardStreamQuery.omit({ since: true }).extend({
  after: z.string().max(100).optional(),
  wait: z.coerce.number().min(0).max(3600).default(25),
});

/**
 * `GET /v1/leaderboards/:id/stream` (SSE, DESIGN §6) and its long-poll twin
 * `GET /v1/leaderboards/:id/changes?after=…&wait=…` (the SDK falls back to it
 * when SSE is buffered or blocked). Both serve the same events from the same
 * per-process publisher, with the same resume guarantees.
 */
export function leaderboardStreamRoutes(deps: LeaderboardStreamDeps): Router<ApiState> {
  const router = new Router<ApiState>({ prefix: "/v1/leaderboards" });
  const live = new Set<SseStream>();
  const parked = new Set<() => void>();
  deps.lifecycle.onDrain(() => {
    for (const stream of [...live]) stream.close("draining");
    for (const answer of [...parked]) answer();
  });

  /** Shared preamble: draining, params, auth, cursor, board existence, per-client cap. */
  const prepare = async (ctx: ApiContext, cursorValue: string | undefined, accessToken: string | undefined) => {
    if (deps.lifecycle.draining) throw new AppError("DRAINING", "This server is draining; reconnect", { retryAfter: 2 });
    const boardId = parseOrThrow(LeaderboardId, ctx.params.id, "leaderboard id");
    const claims = await streamClaims(ctx.get("Authorization"), accessToken, deps.tokens, !deps.options.public);
    let cursor: StreamCursor | undefined;
    if (cursorValue) {
      cursor = parseCursor(cursorValue);
      if (!cursor) throw new AppError("BAD_CURSOR", "The cursor must be `epoch:version` as sent in an event id");
    }
    if (!(await deps.boardExists(boardId))) throw new AppError("NOT_FOUND", `No leaderboard "${boardId}"`);
    const release = deps.admission.admit(claims?.playerId ?? `ip:${ctx.ip}`);
    return { boardId, claims, cursor, release };
  };

  const acquire = async (boardId: string, period: string | undefined, top: number) => {
    try {
      return await deps.hub.acquire(boardId, period, top);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError("STORE_UNAVAILABLE", "The leaderboard store is unavailable; retry", { retryAfter: 2, cause: error });
    }
  };

  router.get("/:id/stream", async (ctx) => {
    const query = parseOrThrow(LeaderboardStreamQuery, ctx.query, "stream query");
    const { boardId, claims, cursor, release } = await prepare(ctx, ctx.get("Last-Event-ID") || query.since, query.access_token);
    let view: Awaited<ReturnType<typeof acquire>>;
    try {
      view = await acquire(boardId, query.period, query.top);
    } catch (error) {
      release();
      throw error;
    }
    ctx.respond = false;
    // What an open stream holds is kept small (thousands are open at once): the stream is the
    // publisher's sink itself, and the close hook uses method syntax (tsx's esbuild keepNames gives
    // each named arrow made at run time a property store of its own).
    let unsubscribe: (() => void) | undefined;
    const stream = new SseStream(ctx.res, {
      heartbeatMs: deps.options.heartbeatMs,
      lifetimeMs: deps.options.lifetimeMs,
      writeDeadlineMs: deps.options.writeDeadlineMs,
      retryMs: 2000,
      notAfter: claims ? claims.expiresAt * 1000 : undefined,
      onClose(reason) {
        live.delete(stream);
        unsubscribe?.();
        view.release();
        release();
        deps.hub.metrics.open.dec();
        deps.hub.metrics.closes.inc({ reason });
        if (reason === "slow-consumer") deps.hub.metrics.dropped.inc();
      },
    });
    live.add(stream);
    deps.hub.metrics.open.inc();
    stream.open();
    const subscription = view.publisher.subscribe(stream, cursor);
    unsubscribe = subscription.unsubscribe;
    deps.hub.metrics.resumes.inc({ outcome: cursor ? subscription.outcome : "fresh" });
    if (stream.closed) unsubscribe();
  });

  router.get("/:id/changes", async (ctx) => {
    const query = parseOrThrow(ChangesQuery, ctx.query, "changes query");
    const { boardId, cursor, release } = await prepare(ctx, query.after, query.access_token);
    try {
      const view = await acquire(boardId, query.period, query.top);
      try {
        const answer = () => {
          const result = view.publisher.eventsSince(cursor);
          const events: LeaderboardStreamMessage[] =
            result.kind === "none" ? [] : result.kind === "snapshot" ? [result.event.message] : result.events.map((e) => e.message);
          const current = view.publisher.cursor!;
          return { events, cursor: `${current.epoch}:${current.version}`, changed: events.length > 0 };
        };
        let body = answer();
        const waitMs = Math.min(query.wait, deps.options.maxWaitSeconds) * 1000;
        if (!body.changed && waitMs > 0 && !deps.lifecycle.draining) {
          await new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              cancel();
              parked.delete(done);
              ctx.req.off("close", done);
              resolve();
            };
            const timer = setTimeout(done, waitMs * (0.9 + Math.random() * 0.1));
            const cancel = view.publisher.onNextChange(done);
            parked.add(done);
            ctx.req.once("close", done);
          });
          body = answer();
        }
        ctx.set("Cache-Control", "no-store");
        ctx.body = body;
      } finally {
        view.release();
      }
    } finally {
      release();
    }
  });

  return router;
}
