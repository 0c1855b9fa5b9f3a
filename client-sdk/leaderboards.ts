import type { LeaderboardAroundResponse, LeaderboardConfig, LeaderboardPage, LeaderboardPlayerResponse } from "../shared/index.ts";
import type { LeaderboardAroundOptions, LeaderboardTopOptions, LeaderboardPeriodOptions } from "../shared/api/client-types.ts";
import type { HttpClient } from "./http.ts";
import { LeaderboardSubscription, type LeaderboardHandler, type LeaderboardSubscribeOptions, type SubscriptionDeps } from "./leaderboard-subscription.ts";

/**
 * `client.leaderboards`: typed reads of the public leaderboard API
 * (docs/protocol.md "Leaderboards"). Boards are public, so no token is
 * sent. Live updates: `subscribe` (SSE with a long-poll fallback, on the
 * shared connection-state model and backoff; leaderboard-subscription.ts).
 */
export class LeaderboardsClient {
  protected readonly http: HttpClient;
  readonly #live?: Omit<SubscriptionDeps, "http">;

  /** `live`: what `subscribe` needs beyond HTTP (the client passes its auth, fetch, backoff and network). */
  constructor(http: HttpClient, live?: Omit<SubscriptionDeps, "http">) {
    this.http = http;
    this.#live = live;
  }

  /**
   * A live top N: SSE with resume, heartbeat watchdog and backoff, falling
   * back to long polling when a proxy buffers or blocks SSE. `handler` gets
   * every `snapshot`/`delta` with the table after it; `close()` ends it.
   */
  subscribe(id: string, options: LeaderboardSubscribeOptions, handler: LeaderboardHandler): LeaderboardSubscription {
    if (!this.#live) throw new Error("client-sdk: this LeaderboardsClient was made without live deps; use createClient()");
    return new LeaderboardSubscription({ http: this.http, ...this.#live }, id, options, handler);
  }

  /** Every board's configuration. */
  async list(options: { signal?: AbortSignal } = {}): Promise<LeaderboardConfig[]> {
    return (await this.http.call("GET /v1/leaderboards", { signal: options.signal })).leaderboards;
  }

  /** The top of a board (keyset-paginated: pass `nextCursor` back as `cursor`), with the period state it was read at. */
  top(id: string, query: LeaderboardTopOptions = {}, options: { signal?: AbortSignal } = {}): Promise<LeaderboardPage> {
    return this.http.call("GET /v1/leaderboards/:id", { params: { id }, query: { ...query }, signal: options.signal });
  }

  /** One player's (or fantasy team's) record and rank; HttpError NOT_FOUND when they have none this period. */
  get(id: string, playerId: string, query: LeaderboardPeriodOptions = {}, options: { signal?: AbortSignal } = {}): Promise<LeaderboardPlayerResponse> {
    return this.http.call("GET /v1/leaderboards/:id/players/:playerId", { params: { id, playerId }, query: { ...query }, signal: options.signal });
  }

  /** The window of records centred on a player ("around me"). */
  around(id: string, playerId: string, query: LeaderboardAroundOptions = {}, options: { signal?: AbortSignal } = {}): Promise<LeaderboardAroundResponse> {
    return this.http.call("GET /v1/leaderboards/:id/around/:playerId", { params: { id, playerId }, query: { ...query }, signal: options.signal });
  }
}
