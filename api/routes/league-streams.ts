import type Router from "@koa/router";
import { AppError, type League, type TokenClaims, type TokenVerifier } from "../../shared/index.ts";
import { parseEpochCursor } from "../../shared/ids.ts";
import type { DraftFeed } from "../../store/draft-feed.ts";
import type { LeaderboardStore } from "../../store/leaderboards.ts";
import type { LeagueStore } from "../../store/leagues.ts";
import type { ChangeNotifications } from "../../store/notifications.ts";
import type { ApiContext, ApiState } from "../context.ts";
import { contractRouter } from "../contract-router.ts";
import { memberLeague } from "../league-standings.ts";
import type { StreamHub } from "../leaderboard-streams/stream-hub.ts";
import type { Lifecycle } from "../lifecycle.ts";
import type { ConnectionBudget } from "../limits/connection-budget.ts";
import { streamClaims } from "../middleware/auth.ts";
import { SSE_HEADERS, SseStream } from "../sse/sse-stream.ts";
import { followDraft } from "./draft-stream.ts";
import type { StreamOptions } from "./leaderboard-streams.ts";
import { followStandings } from "./standings-stream.ts";

export interface LeagueStreamDeps {
  leagues: Pick<LeagueStore, "get">;
  leaderboards: Pick<LeaderboardStore, "top">;
  draftFeed: DraftFeed;
  notifications: ChangeNotifications;
  /** The leaderboard streams' publishers: the standings stream follows the league's board through them. */
  hub: StreamHub;
  admission: ConnectionBudget;
  tokens: TokenVerifier;
  lifecycle: Lifecycle;
  options: Pick<StreamOptions, "heartbeatMs" | "lifetimeMs" | "writeDeadlineMs" | "retryMs">;
  onError: (error: unknown) => void;
}

/** What a stream follower gets: the open stream, the league, the client's cursor; it returns its cleanup. */
export interface StreamFollow {
  stream: SseStream;
  league: League;
  since: string | undefined;
}

/**
 * A fantasy league's members-only streams (docs/protocol.md "Fantasy
 * leagues"): `…/standings/stream` and `…/draft/stream`. Same conventions as
 * the leaderboard streams (retry hint, heartbeat, lifetime, the stream
 * budget, HEAD, draining, the error shape); a member's token is required.
 */
export function leagueStreamRoutes(deps: LeagueStreamDeps): Router<ApiState> {
  const live = new Set<SseStream>();
  deps.lifecycle.onDrain(() => {
    for (const stream of [...live]) stream.close("draining");
  });

  async function open(ctx: ApiContext, rawId: string, query: { access_token?: string; since?: string }, follow: (f: StreamFollow) => Promise<() => void>): Promise<void> {
    if (deps.lifecycle.draining) throw new AppError("DRAINING", "This server is draining; reconnect", { retryAfter: 2 });
    const claims = (await streamClaims(ctx.get("Authorization"), query.access_token, deps.tokens, true)) as TokenClaims;
    const league = await memberLeague(deps.leagues, rawId, claims);
    const since = ctx.get("Last-Event-ID") || query.since || undefined;
    if (ctx.method === "HEAD") {
      const { Connection: _connection, ...headers } = SSE_HEADERS;
      ctx.set(headers);
      ctx.status = 200;
      return;
    }
    const release = deps.admission.admit(claims.playerId, ctx.ip);
    ctx.respond = false;
    let cleanup: (() => void) | undefined;
    const stream = new SseStream(ctx.res, {
      heartbeatMs: deps.options.heartbeatMs,
      lifetimeMs: deps.options.lifetimeMs,
      writeDeadlineMs: deps.options.writeDeadlineMs,
      retryMs: deps.options.retryMs ?? 2000,
      notAfter: claims.expiresAt * 1000,
      onClose() {
        live.delete(stream);
        cleanup?.();
        release();
      },
    });
    live.add(stream);
    stream.open();
    try {
      const stop = await follow({ stream, league, since });
      if (stream.closed) stop();
      else cleanup = stop;
    } catch (error) {
      deps.onError(error);
      stream.close("server-closed");
    }
  }

  return contractRouter({
    "GET /v1/leagues/:id/standings/stream": async (ctx, request) => {
      const query = request.query("standings stream query");
      checkEpochCursor(ctx.get("Last-Event-ID") || query.since);
      await open(ctx, request.params.id, query, (f) => followStandings(deps, f));
    },
    "GET /v1/leagues/:id/draft/stream": async (ctx, request) => {
      const query = request.query("draft stream query");
      checkSeq(ctx.get("Last-Event-ID") || query.since);
      await open(ctx, request.params.id, query, (f) => followDraft(deps, f));
    },
  });
}

function checkEpochCursor(value: string | undefined): void {
  if (value && !parseEpochCursor(value.trim())) throw new AppError("BAD_CURSOR", "The cursor must be `epoch:version` as sent in a `standings` event id; drop it to start afresh");
}

function checkSeq(value: string | undefined): void {
  if (value && !/^\d{1,15}$/.test(value.trim())) throw new AppError("BAD_CURSOR", "The cursor must be a draft feed seq as sent in an event id; drop it to start with the board");
}

