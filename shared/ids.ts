/**
 * The shapes of ids and cursors, written once: the zod validators of shared/
 * (bodies, queries, room options), the API's path checks and the OpenAPI
 * document all use these. Plain RegExps, no zod: the SDK's bundles may import
 * them. Browser-safe.
 */
export const IdPatterns = {
  /** A player id this server mints (guest sign-in): `p_` and 10..32 lower-case letters and digits. */
  player: /^p_[0-9a-z]{10,32}$/,
  /**
   * Whose record or result this is: a player id (this server's, or one an
   * operator's own auth mints), a fantasy team id, or an operator-defined id.
   * Leaderboard owners, match-result players and match-history paths.
   */
  owner: /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/,
  /** A match id: `m_` and 6..48 URL-safe characters (server-owned; rooms and matchmakers make them). */
  match: /^m_[A-Za-z0-9_-]{6,48}$/,
  /** A leaderboard id (in URLs and store keys). */
  leaderboard: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/,
  /** A league as `POST /v1/leagues` makes it: `lg_` and 16 hex digits. */
  league: /^lg_[0-9a-f]{16}$/,
  /** An operator's fantasy league or team id (the admin roster API). */
  fantasyLeague: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
  fantasyTeam: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
} as const;

/**
 * The cursor of an ordered feed: `epoch:position`. SSE event ids and
 * `/changes?after=` (`epoch:version`), and the results feed's `after`
 * (`epoch:seq`). The epoch changes when the sequence restarts.
 */
export const EPOCH_CURSOR = /^([A-Za-z0-9_-]{1,64}):(\d{1,15})$/;

export interface EpochCursor {
  epoch: string;
  position: number;
}

/** Parses `epoch:position`; undefined when malformed (the API answers 400 BAD_CURSOR). */
export function parseEpochCursor(value: string): EpochCursor | undefined {
  const match = EPOCH_CURSOR.exec(value);
  if (!match) return undefined;
  return { epoch: match[1]!, position: Number(match[2]) };
}
