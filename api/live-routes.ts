import type Router from "@koa/router";
import type Koa from "koa";
import type { ApiOptions, AppDeps } from "./app-deps.ts";
import type { ApiState } from "./context.ts";
import { BoardAccess } from "./leaderboard-access.ts";
import { StreamHub } from "./leaderboard-streams/stream-hub.ts";
import { ConnectionBudget } from "./limits/connection-budget.ts";
import type { LogThrottle } from "./logging/log-throttle.ts";
import { adminKeyCheck } from "./middleware/auth.ts";
import { leaderboardStreamRoutes } from "./routes/leaderboard-streams.ts";
import { leagueStreamRoutes } from "./routes/league-streams.ts";
import { matchResultRoutes } from "./routes/match-results.ts";
import { spectateRoutes } from "./routes/spectate.ts";

type LiveStores = NonNullable<AppDeps["stores"]>;

/** SSE leaderboard streams and their long-poll twin, spectating, the leagues' standings and draft streams, and match-result long polls. */
export function liveRoutes(deps: AppDeps, stores: LiveStores, throttle: LogThrottle): Router<ApiState>[] {
  // Every publisher of every board fails at once while the store is down: one line per kind and minute is enough.
  const onError = (error: unknown) => throttle.warn("live-update-failed", { err: error }, "live update failed");
  const routers: Router<ApiState>[] = deps.options.streams ? streamRoutes(deps, deps.options.streams, stores, onError) : [];
  if (deps.options.polls) {
    const polls = matchResultRoutes({
      results: stores.results,
      notifications: stores.notifications,
      tokens: deps.tokens,
      lifecycle: deps.lifecycle,
      registry: deps.registry,
      options: deps.options.polls,
      onError,
      latency: deps.latency?.longPollResultToAnswer,
    });
    routers.push(polls.router);
    deps.lifecycle.onDrain(() => polls.close());
  }
  return routers;
}

/** The leaderboard streams (and `/changes`), spectating and the league streams: one admission budget, one publisher hub. */
function streamRoutes(deps: AppDeps, streams: NonNullable<ApiOptions["streams"]>, stores: LiveStores, onError: (error: unknown) => void): Router<ApiState>[] {
  const { history, perIp, max, publishersMax, publisherLingerMs, ...options } = streams;
  const admission = new ConnectionBudget({
    what: "concurrent streams",
    perClient: { max: options.perClient, variable: "STREAMS_PER_CLIENT", code: "TOO_MANY_STREAMS", retryAfter: 5 },
    perIp: perIp === undefined ? undefined : { max: perIp, variable: "STREAMS_PER_IP", code: "TOO_MANY_STREAMS", retryAfter: 5 },
    total: max === undefined ? undefined : { max, variable: "STREAMS_MAX", retryAfter: 5 },
  });
  const hub = new StreamHub({
    readTop: async (boardId, period, limit) => {
      const page = await stores.leaderboards.top(boardId, { limit, period });
      return { ...page.state, records: page.records };
    },
    subscribeChanges: (listener) =>
      stores.notifications.subscribe((event) => {
        if (event.type === "leaderboard" || event.type === "leaderboard-config") listener({ boardId: event.boardId });
        else if (event.type === "resync") listener({ boardId: "*" });
      }),
    registry: deps.registry,
    historyLimit: history,
    lingerMs: publisherLingerMs ?? 60_000,
    maxPublishers: publishersMax ?? 1000,
    onError,
    latency: deps.latency?.sseChangeToWrite,
  });
  const boards = leaderboardStreamRoutes({
    hub,
    admission,
    leaderboards: stores.leaderboards,
    access: boardAccess(stores),
    isAdmin: isAdmin(deps.adminKey),
    tokens: deps.tokens,
    lifecycle: deps.lifecycle,
    options,
  });
  deps.lifecycle.onDrain(() => hub.close());
  const { spectators, results, notifications } = stores;
  const spectate = spectateRoutes({ spectators, results, notifications, tokens: deps.tokens, lifecycle: deps.lifecycle, admission, options });
  const routers = [boards, spectate];
  const { leagues, leaderboards, draftFeed } = stores;
  if (leagues && draftFeed) {
    routers.push(leagueStreamRoutes({ leagues, leaderboards, draftFeed, notifications, hub, admission, tokens: deps.tokens, lifecycle: deps.lifecycle, options, onError }));
  }
  return routers;
}

export function boardAccess(stores: LiveStores): BoardAccess {
  return new BoardAccess({ leaderboards: stores.leaderboards, leagues: stores.leagues });
}

/** Whether a request carries the admin key (it reads every board, private ones included). */
export function isAdmin(adminKey: string | undefined): (ctx: Koa.ParameterizedContext<ApiState>) => boolean {
  const check = adminKeyCheck(adminKey);
  return (ctx) => check(ctx.get("X-Admin-Key"));
}
