import type { RosterEntry } from "../../fantasy.ts";
import { BUILT_IN_LEADERBOARDS, fantasyStandingsBoardId, MAX_SCORE } from "../../leaderboards.ts";
import type { RecordedMatchResult } from "../../match-result.ts";
import type { BoardWrite } from "../leaderboards/ranking.ts";
import { rateMatch, type PlayerRating } from "../ratings/glicko2.ts";
import { fantasyPoints } from "../scoring/fantasy-points.ts";

/** Everything one match result changes, computed once and committed atomically. */
export interface EffectBatch {
  seq: number;
  matchId: string;
  writes: BoardWrite[];
  ratings: PlayerRating[];
  /** Leagues whose standings board must exist before the commit. */
  leagues: string[];
}

/**
 * The effects of a result (pure): player boards (rating, wins, goals, all-time
 * and weekly) and fantasy points per owning team (docs/scoring.md).
 * `teamNames` is keyed `leagueId/fantasyTeamId`.
 */
export function computeEffects(
  result: RecordedMatchResult,
  ratingsBefore: Map<string, PlayerRating>,
  owners: RosterEntry[],
  teamNames: Map<string, string>,
): EffectBatch {
  const writes: BoardWrite[] = [];
  const ratings = rateMatch(result, ratingsBefore);
  const nameOf = new Map(result.players.map((p) => [p.playerId, p.name]));
  for (const rating of ratings) {
    const score = Math.min(MAX_SCORE, Math.max(0, Math.round(rating.rating)));
    const base = { ownerId: rating.playerId, name: nameOf.get(rating.playerId), score, subscore: 0 };
    writes.push({ boardId: BUILT_IN_LEADERBOARDS.rating, ...base }, { boardId: BUILT_IN_LEADERBOARDS.ratingWeekly, ...base });
  }
  for (const player of result.players) {
    const base = { ownerId: player.playerId, name: player.name, subscore: 0 };
    if (result.winner === player.side) {
      writes.push({ boardId: BUILT_IN_LEADERBOARDS.wins, ...base, score: 1 }, { boardId: BUILT_IN_LEADERBOARDS.winsWeekly, ...base, score: 1 });
    }
    if (player.stats.goals > 0) {
      writes.push({ boardId: BUILT_IN_LEADERBOARDS.goals, ...base, score: player.stats.goals }, { boardId: BUILT_IN_LEADERBOARDS.goalsWeekly, ...base, score: player.stats.goals });
    }
  }
  // One write per fantasy team: the sum of its players' points in this match.
  const byPlayer = new Map(result.players.map((p) => [p.playerId, p]));
  const teamPoints = new Map<string, { leagueId: string; fantasyTeamId: string; points: number }>();
  for (const owner of owners) {
    const player = byPlayer.get(owner.playerId);
    if (!player) continue;
    const key = `${owner.leagueId}/${owner.fantasyTeamId}`;
    const entry = teamPoints.get(key) ?? { leagueId: owner.leagueId, fantasyTeamId: owner.fantasyTeamId, points: 0 };
    entry.points += fantasyPoints(result, player).total;
    teamPoints.set(key, entry);
  }
  for (const [key, team] of [...teamPoints].sort(([a], [b]) => a.localeCompare(b))) {
    writes.push({ boardId: fantasyStandingsBoardId(team.leagueId), ownerId: team.fantasyTeamId, name: teamNames.get(key), score: team.points, subscore: 0 });
  }
  const leagues = [...new Set([...teamPoints.values()].map((t) => t.leagueId))].sort();
  return { seq: result.seq, matchId: result.matchId, writes, ratings, leagues };
}
