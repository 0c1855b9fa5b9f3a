import glicko2 from "glicko2";
import type { MatchResult } from "../../match-result.ts";

/**
 * Player ratings: Glicko-2 (Mark Glickman, http://www.glicko.net/glicko/glicko2.pdf)
 * through mmai's `glicko2` package. Each match is one rating period. A team
 * match is rated with the usual composite-opponent method: every player
 * plays one game against a virtual opponent whose rating and deviation are
 * the averages of the other side's players. The `rating` leaderboard shows
 * the rating rounded to an integer. docs/scoring.md explains the choice.
 */
export interface PlayerRating {
  playerId: string;
  rating: number;
  /** Rating deviation: how unsure the rating is. */
  rd: number;
  /** Volatility. */
  vol: number;
  /** Rated matches played. */
  matches: number;
}

/**
 * The rating every player starts with (and the one matchmaking assumes for a
 * player it has no rating for): Glicko-2's conventional 1500.
 */
export const DEFAULT_RATING = 1500;

export const GLICKO2_SETTINGS = { tau: 0.5, rating: DEFAULT_RATING, rd: 350, vol: 0.06 } as const;

export function initialRating(playerId: string): PlayerRating {
  return { playerId, rating: GLICKO2_SETTINGS.rating, rd: GLICKO2_SETTINGS.rd, vol: GLICKO2_SETTINGS.vol, matches: 0 };
}

/**
 * New ratings after a match. Pure and deterministic: the pipeline computes it
 * once per match from the ratings current at that point of the (serial)
 * results feed.
 */
export function rateMatch(result: MatchResult, current: Map<string, PlayerRating>): PlayerRating[] {
  const sides = { home: result.players.filter((p) => p.side === "home"), away: result.players.filter((p) => p.side === "away") };
  // A side nobody played on cannot be an opponent: nothing to rate.
  if (sides.home.length === 0 || sides.away.length === 0) return [];
  const ratingOf = (playerId: string) => current.get(playerId) ?? initialRating(playerId);
  const composite = (side: "home" | "away") => {
    const ratings = sides[side].map((p) => ratingOf(p.playerId));
    return {
      rating: ratings.reduce((sum, r) => sum + r.rating, 0) / ratings.length,
      rd: ratings.reduce((sum, r) => sum + r.rd, 0) / ratings.length,
    };
  };
  const opponents = { home: composite("away"), away: composite("home") };
  return result.players.map((player) => {
    const before = ratingOf(player.playerId);
    const outcome = result.winner === "draw" ? 0.5 : result.winner === player.side ? 1 : 0;
    const system = new glicko2.Glicko2(GLICKO2_SETTINGS);
    const me = system.makePlayer(before.rating, before.rd, before.vol);
    const opponent = system.makePlayer(opponents[player.side].rating, opponents[player.side].rd, GLICKO2_SETTINGS.vol);
    system.updateRatings([[me, opponent, outcome]]);
    return { playerId: player.playerId, rating: me.getRating(), rd: me.getRd(), vol: me.getVol(), matches: before.matches + 1 };
  });
}
