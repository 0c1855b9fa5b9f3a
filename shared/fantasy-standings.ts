/*
 * A fantasy league's standings: a row per team, from its standings board
 * (`fantasy-<leagueId>`) and its teams. Types and a pure function
 * (browser-safe, zod-free): the API builds the rows, the SDK and pages read them.
 */

export interface LeagueStandingsRow {
  /** 1-based position: the board's order, then the teams without points. */
  rank: number;
  teamId: string;
  name: string;
  managerId: string;
  points: number;
}

/** `GET /v1/leagues/:id/standings` and the `standings` event of its stream. */
export interface LeagueStandings {
  leagueId: string;
  /** The board the points come from (`fantasy-<leagueId>`; it exists once the draft's rosters are saved). */
  boardId: string;
  /** Every team of the league, best first. */
  rows: LeagueStandingsRow[];
  /** When these standings were read (epoch ms). */
  ts: number;
}

/**
 * Ranks every team: the teams on the board in the board's order (more points
 * first; equal points: the team that reached the score first — the board's
 * tie rule), then every team with no points yet in the league's join order.
 * A board row of a team no longer in the league is left out.
 */
export function leagueStandings(
  league: { id: string; standingsBoardId: string; teams: { teamId: string; name: string; managerId: string }[] },
  boardRows: { ownerId: string; score: number }[],
  now: number,
): LeagueStandings {
  const teams = new Map(league.teams.map((t) => [t.teamId, t]));
  const rows: LeagueStandingsRow[] = [];
  const seen = new Set<string>();
  for (const record of boardRows) {
    const team = teams.get(record.ownerId);
    if (!team || seen.has(team.teamId) || record.score <= 0) continue;
    seen.add(team.teamId);
    rows.push({ rank: rows.length + 1, teamId: team.teamId, name: team.name, managerId: team.managerId, points: record.score });
  }
  for (const team of league.teams) {
    if (!seen.has(team.teamId)) rows.push({ rank: rows.length + 1, teamId: team.teamId, name: team.name, managerId: team.managerId, points: 0 });
  }
  return { leagueId: league.id, boardId: league.standingsBoardId, rows, ts: now };
}
