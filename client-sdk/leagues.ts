import type { CreateLeagueRequest, JoinLeagueResponse, League, LeagueStandings } from "../shared/index.ts";
import type { HttpClient } from "./http.ts";
import { DraftFeedSubscription, StandingsSubscription, type LeagueStreamDeps, type LeagueStreamOptions } from "./league-streams.ts";

/**
 * `client.leagues`: fantasy leagues over the HTTP API (docs/protocol.md
 * "Fantasy leagues"; api/routes/leagues.ts). Every call needs a player
 * token. Failures are HttpErrors with the server's code: VALIDATION_FAILED,
 * NOT_FOUND (unknown invite code or league), FORBIDDEN (not a member),
 * CONFLICT with `details.reason` LEAGUE_FULL / DRAFT_STARTED / TEAM_NAME_TAKEN,
 * RATE_LIMITED (`join` past JOIN_ATTEMPTS_PER_MINUTE; `retryAfterMs` says when to try again).
 * The draft itself runs in `client.rooms.draft.join(league.id)`; its board
 * and the standings are also live over SSE (`draftFeed`, `subscribeStandings`).
 */
export class LeaguesClient {
  readonly #http: HttpClient;
  readonly #live?: Omit<LeagueStreamDeps, "http">;

  /** `live`: what the streams need beyond HTTP (the client passes its auth, fetch and backoff). */
  constructor(http: HttpClient, live?: Omit<LeagueStreamDeps, "http">) {
    this.#http = http;
    this.#live = live;
  }

  /** Creates a league; the caller is its commissioner (and, with `teamName`, the manager of team `t1`). */
  create(request: CreateLeagueRequest, options: { signal?: AbortSignal } = {}): Promise<League> {
    return this.#http.call("POST /v1/leagues", { body: request, signal: options.signal });
  }

  /** Joins by invite code with one team; `created: false` when the caller already had a team there (the same team). */
  join(inviteCode: string, teamName: string, options: { signal?: AbortSignal } = {}): Promise<JoinLeagueResponse> {
    return this.#http.call("POST /v1/leagues/join", { body: { inviteCode, teamName }, signal: options.signal });
  }

  /** Leagues where the caller is the commissioner or a manager, newest first. */
  async list(options: { signal?: AbortSignal } = {}): Promise<League[]> {
    return (await this.#http.call("GET /v1/leagues", { signal: options.signal })).leagues;
  }

  /** One league (its commissioner and managers only). */
  get(id: string, options: { signal?: AbortSignal } = {}): Promise<League> {
    return this.#http.call("GET /v1/leagues/:id", { params: { id }, signal: options.signal });
  }

  /** A row per team of the league, best first (zero points before any match). Members only (FORBIDDEN otherwise). */
  standings(id: string, options: { signal?: AbortSignal } = {}): Promise<LeagueStandings> {
    return this.#http.call("GET /v1/leagues/:id/standings", { params: { id }, signal: options.signal });
  }

  /** The standings, live: `standings` events (the whole table) now and after every change; reconnects and resumes by itself. */
  subscribeStandings(id: string, options: LeagueStreamOptions = {}): StandingsSubscription {
    return new StandingsSubscription(this.#liveDeps(), id, options);
  }

  /** The draft, live: the board (`board`, `change`) kept with every pick, undo and clock change, and every feed event (`event`). */
  draftFeed(id: string, options: LeagueStreamOptions = {}): DraftFeedSubscription {
    return new DraftFeedSubscription(this.#liveDeps(), id, options);
  }

  #liveDeps(): LeagueStreamDeps {
    if (!this.#live) throw new Error("client-sdk: this LeaguesClient was made without live deps; use createClient()");
    return { http: this.#http, ...this.#live };
  }
}
