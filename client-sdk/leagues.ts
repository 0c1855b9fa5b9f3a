import type { CreateLeagueRequest, JoinLeagueResponse, League } from "../shared/index.ts";
import type { HttpClient } from "./http.ts";

/**
 * `client.leagues`: fantasy leagues over the HTTP API (docs/protocol.md
 * "Fantasy leagues"; api/routes/leagues.ts). Every call needs a player
 * token. Failures are HttpErrors with the server's code: VALIDATION_FAILED,
 * NOT_FOUND (unknown invite code or league), FORBIDDEN (not a member),
 * CONFLICT with `details.reason` LEAGUE_FULL / DRAFT_STARTED / TEAM_NAME_TAKEN,
 * RATE_LIMITED (`join` past JOIN_ATTEMPTS_PER_MINUTE; `retryAfterMs` says when to try again).
 * The draft itself runs in `client.rooms.draft.join(league.id)`.
 */
export class LeaguesClient {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
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
}
