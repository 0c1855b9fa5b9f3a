import type Router from "@koa/router";
import { AppError, parseOrThrow, type LeaderboardChangesResponse, type LeaderboardStreamMessage, type TokenClaims, type TokenVerifier } from "../../shared/index.ts";
import { LeaderboardId } from "../../shared/leaderboards.ts";
import type { ApiContext, ApiState } from "../context.ts";
import { contractRouter, type RouteRequest } from "../contract-router.ts";
import type { Lifecycle } from "../lifecycle.ts";
import type { BoardAccess } from "../leaderboard-access.ts";
import type { ConnectionBudget } from "../limits/connection-budget.ts";
import type { StreamHub } from "../leaderboard-streams/stream-hub.ts";
import { openBoardView, type BoardView, type PeriodReader } from "../leaderboard-streams/board-view.ts";
import { streamClaims } from "../middleware/auth.ts";
import { parseCursor, type StreamCursor } from "../sse/event-format.ts";
import { SSE_HEADERS, SseStream } from "../sse/sse-stream.ts";
import { jitteredHold } from "../long-poll/waiter-registry.ts";

/** Named limits of leaderboard streams (config: STREAM_*, LEADERBOARDS_PUBLIC). */
export interface StreamOptions {
  /** @default 15000 */
  heartbeatMs: number;
  /** @default 600000 */
  lifetimeMs: number;
  /** The `retry:` hint opening each stream (STREAM_RETRY_MS), ±RETRY_HINT_JITTER. @default 2000 */
  retryMs?: number;
  /** The `retry:` hint of spectator streams (SPECTATE_RETRY_MS). @default 1000 */
  spectateRetryMs?: number;
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
  /** Streams and change polls count against it (per client, per IP, process-wide). */
  admission: ConnectionBudget;
  /** Plain reads of explicit periods (a past period is answered from one, without a publisher). */
  leaderboards: PeriodReader;
  access: BoardAccess;
  /** Whether a request carries the admin key (reads every board). */
  isAdmin: (ctx: ApiContext) => boolean;
  tokens: TokenVerifier;
  lifecycle: Lifecycle;
  options: StreamOptions;
}

/**
 * `GET /v1/leaderboards/:id/stream` (SSE, docs/protocol.md "Leaderboard
 * streams (SSE)") and its long-poll twin `GET /v1/leaderboards/:id/changes?after=…&wait=…`
 * (the SDK falls back to it when SSE is buffered or blocked). Both serve the
 * same events from the same per-process publisher, with the same resume
 * guarantees. `HEAD` answers the headers at once and holds nothing.
 */
export function leaderboardStreamRoutes(deps: LeaderboardStreamDeps): Router<ApiState> {
  const streams = new BoardStreams(deps);
  deps.lifecycle.onDrain(() => streams.drain());
  return contractRouter({
    "GET /v1/leaderboards/:id/stream": (ctx, request) => streams.stream(ctx, request),
    "GET /v1/leaderboards/:id/changes": (ctx, request) => streams.changes(ctx, request),
  });
}

/** The open streams and parked change polls of one app, and how each is served. */
class BoardStreams {
  readonly #deps: LeaderboardStreamDeps;
  readonly #live = new Set<SseStream>();
  readonly #parked = new Set<() => void>();

  constructor(deps: LeaderboardStreamDeps) {
    this.#deps = deps;
  }

  /** Closes every stream and answers every parked poll (the process drains). */
  drain(): void {
    for (const stream of [...this.#live]) stream.close("draining");
    for (const answer of [...this.#parked]) answer();
  }

  async stream(ctx: ApiContext, request: RouteRequest<"GET /v1/leaderboards/:id/stream">): Promise<void> {
    const deps = this.#deps;
    const query = request.query("stream query");
    const { boardId, claims, cursor } = await this.#prepare(ctx, request.params.id, ctx.get("Last-Event-ID") || query.since, query.access_token);
    if (ctx.method === "HEAD") {
      // The headers a GET would open with, at once: no stream, no slot, no publisher.
      const { Connection: _connection, ...headers } = SSE_HEADERS;
      ctx.set(headers);
      ctx.status = 200;
      return;
    }
    const release = this.#admit(ctx, claims?.playerId);
    const view = await this.#open(boardId, query.period, query.top, release);
    ctx.respond = false;
    // What an open stream holds is kept small (thousands are open at once): the stream is the
    // view's sink itself, and the close hook uses method syntax (tsx's esbuild keepNames gives
    // each named arrow made at run time a property store of its own).
    const live = this.#live;
    let unsubscribe: (() => void) | undefined;
    const stream = new SseStream(ctx.res, {
      heartbeatMs: deps.options.heartbeatMs,
      lifetimeMs: deps.options.lifetimeMs,
      writeDeadlineMs: deps.options.writeDeadlineMs,
      retryMs: deps.options.retryMs ?? 2000,
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
    if (view.kind === "live") {
      const subscription = view.view.subscribe(stream, cursor);
      unsubscribe = subscription.unsubscribe;
      deps.hub.metrics.resumes.inc({ outcome: cursor ? subscription.outcome : "fresh" });
      if (stream.closed) unsubscribe();
      return;
    }
    // A past period never changes: its snapshot (unless the client has it), then heartbeats until the lifetime ends.
    const upToDate = cursor !== undefined && `${cursor.epoch}:${cursor.offset}` === view.cursor;
    if (!upToDate) stream.write(view.encoded().bytes);
    deps.hub.metrics.resumes.inc({ outcome: cursor ? (upToDate ? "up-to-date" : "snapshot") : "fresh" });
  }

  async changes(ctx: ApiContext, request: RouteRequest<"GET /v1/leaderboards/:id/changes">): Promise<LeaderboardChangesResponse | void> {
    const query = request.query("changes query");
    const { boardId, claims, cursor } = await this.#prepare(ctx, request.params.id, query.after, query.access_token);
    ctx.set("Cache-Control", "no-store");
    if (ctx.method === "HEAD") {
      ctx.type = "json";
      ctx.status = 200;
      return;
    }
    const release = this.#admit(ctx, claims?.playerId);
    try {
      const view = await this.#open(boardId, query.period, query.top, release);
      try {
        const body = changesSince(view, cursor);
        const waitMs = Math.min(query.wait, this.#deps.options.maxWaitSeconds) * 1000;
        if (body.changed || waitMs <= 0 || this.#deps.lifecycle.draining) return body;
        await this.#holdForChange(ctx, view, waitMs);
        return changesSince(view, cursor);
      } finally {
        view.release();
      }
    } finally {
      release();
    }
  }

  /** Shared preamble: draining, params, auth, cursor, the board and the caller's right to read it. */
  async #prepare(ctx: ApiContext, rawId: string, cursorValue: string | undefined, accessToken: string | undefined): Promise<{ boardId: string; claims: TokenClaims | undefined; cursor: StreamCursor | undefined }> {
    const deps = this.#deps;
    if (deps.lifecycle.draining) throw new AppError("DRAINING", "This server is draining; reconnect", { retryAfter: 2 });
    const boardId = parseOrThrow(LeaderboardId, rawId, "leaderboard id");
    const claims = await streamClaims(ctx.get("Authorization"), accessToken, deps.tokens, !deps.options.public);
    let cursor: StreamCursor | undefined;
    if (cursorValue) {
      cursor = parseCursor(cursorValue);
      if (!cursor) throw new AppError("BAD_CURSOR", "The cursor must be `epoch:version` as sent in an event id; drop it to start with a snapshot");
    }
    await deps.access.readable(boardId, { admin: deps.isAdmin(ctx), claims: async () => claims });
    return { boardId, claims, cursor };
  }

  /** A slot of the stream budget (per client, per IP, process-wide), or its refusal. */
  #admit(ctx: ApiContext, playerId: string | undefined): () => void {
    return this.#deps.admission.admit(playerId ?? `ip:${ctx.ip}`, ctx.ip);
  }

  async #open(boardId: string, period: string | undefined, top: number, release: () => void): Promise<BoardView> {
    try {
      return await openBoardView({ hub: this.#deps.hub, leaderboards: this.#deps.leaderboards }, boardId, period, top);
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Holds a change poll until the view changes, `waitMs` (jittered) pass, the client leaves or the process drains. */
  #holdForChange(ctx: ApiContext, view: BoardView, waitMs: number): Promise<void> {
    const parked = this.#parked;
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        cancel();
        parked.delete(done);
        ctx.req.off("close", done);
        resolve();
      };
      const timer = setTimeout(done, jitteredHold(waitMs));
      // A past period never changes: the poll just holds until its wait ends.
      const cancel = view.kind === "live" ? view.view.onNextChange(done) : () => undefined;
      parked.add(done);
      ctx.req.once("close", done);
    });
  }
}

/** What a change poll answers now: the events after `cursor` (a snapshot when it cannot resume), or none. */
function changesSince(view: BoardView, cursor: StreamCursor | undefined): LeaderboardChangesResponse {
  let events: LeaderboardStreamMessage[];
  if (view.kind === "past") {
    events = cursor && `${cursor.epoch}:${cursor.offset}` === view.cursor ? [] : [view.message];
    return { events, cursor: view.cursor, changed: events.length > 0 };
  }
  const result = view.view.eventsSince(cursor);
  events = result.kind === "none" ? [] : result.kind === "snapshot" ? [result.event.message] : result.events.map((e) => e.message);
  const current = view.view.cursor;
  return { events, cursor: `${current.epoch}:${current.version}`, changed: events.length > 0 };
}
