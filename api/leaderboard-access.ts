import { AppError, leagueRole, type LeaderboardConfig, type TokenClaims } from "../shared/index.ts";
import type { LeaderboardStore } from "../store/leaderboards.ts";
import type { LeagueStore } from "../store/leagues.ts";

/** Who is reading: the admin key's holder, and (lazily: only private boards need it) the player. */
export interface BoardReader {
  admin: boolean;
  claims: () => Promise<TokenClaims | undefined>;
}

export interface BoardAccessDeps {
  leaderboards: Pick<LeaderboardStore, "getConfig">;
  /** Without it, `league-members` boards are readable with the admin key only. */
  leagues?: Pick<LeagueStore, "get">;
}

/**
 * Board visibility (docs/protocol.md "Leaderboards"): a `public` board is
 * anyone's; a `league-members` board (a fantasy league's standings) only its
 * league's commissioner and managers, and the admin key. Every read, stream
 * and change poll of a board goes through `readable`.
 */
export class BoardAccess {
  readonly #deps: BoardAccessDeps;

  constructor(deps: BoardAccessDeps) {
    this.#deps = deps;
  }

  /** Whether `config` shows in `GET /v1/leaderboards` for this reader. */
  listed(config: LeaderboardConfig, admin: boolean): boolean {
    return admin || config.visibility === "public";
  }

  /**
   * The board's config when the reader may read it. 404 NOT_FOUND for an
   * unknown board; for a `league-members` board, 401 UNAUTHORIZED without a
   * token and 403 FORBIDDEN for a player outside the league.
   */
  async readable(boardId: string, reader: BoardReader): Promise<LeaderboardConfig> {
    const config = await this.#deps.leaderboards.getConfig(boardId);
    if (!config) throw new AppError("NOT_FOUND", `No leaderboard "${boardId}"; GET /v1/leaderboards lists the public ones`);
    if (config.visibility === "public" || reader.admin) return config;
    const claims = await reader.claims();
    const leagueId = typeof config.metadata.leagueId === "string" ? config.metadata.leagueId : undefined;
    if (!claims) {
      throw new AppError("UNAUTHORIZED", `Leaderboard "${boardId}" is visible to the members of its league only: send a member's token (Authorization: Bearer, or ?access_token= on streams)`, {
        headers: { "WWW-Authenticate": 'Bearer realm="arena-lobby", error="invalid_request", error_description="league members only"' },
      });
    }
    const league = leagueId && this.#deps.leagues ? await this.#deps.leagues.get(leagueId) : undefined;
    if (!league || !leagueRole(league, claims.playerId)) {
      throw new AppError("FORBIDDEN", `Leaderboard "${boardId}" is visible to the members of its league only; join the league with its invite code (POST /v1/leagues/join)`);
    }
    return config;
  }
}
