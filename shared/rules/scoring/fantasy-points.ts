import type { MatchResult, MatchResultPlayer } from "../../match-result.ts";

/**
 * The scoring table (docs/scoring.md explains it). Points per player per
 * match; a team's score is the sum over the players it owns.
 */
export const FANTASY_SCORING = {
  /** Played in the match. */
  appearance: 1,
  goal: 10,
  assist: 6,
  shot: 1,
  save: 3,
  /** One point per this many touches (rounded down). */
  touchesPerPoint: 10,
  win: 5,
  draw: 2,
  /** The player's side conceded no goal. */
  cleanSheet: 4,
} as const;

export interface FantasyPointsBreakdown {
  appearance: number;
  goals: number;
  assists: number;
  shots: number;
  saves: number;
  touches: number;
  result: number;
  cleanSheet: number;
  total: number;
}

/** A player's fantasy points for one match, by the table above. Pure: the result pipeline credits it, and a client may show the same breakdown. */
export function fantasyPoints(result: MatchResult, player: MatchResultPlayer, table = FANTASY_SCORING): FantasyPointsBreakdown {
  const s = player.stats;
  const opponent = player.side === "home" ? "away" : "home";
  const outcome = result.winner === "draw" ? table.draw : result.winner === player.side ? table.win : 0;
  const breakdown = {
    appearance: table.appearance,
    goals: s.goals * table.goal,
    assists: s.assists * table.assist,
    shots: s.shots * table.shot,
    saves: s.saves * table.save,
    touches: Math.floor(s.touches / table.touchesPerPoint),
    result: outcome,
    cleanSheet: result.teams[opponent].score === 0 ? table.cleanSheet : 0,
  };
  return { ...breakdown, total: Object.values(breakdown).reduce((sum, n) => sum + n, 0) };
}
