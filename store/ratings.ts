import type { PlayerRating } from "../shared/rules/ratings/glicko2.ts";

export type { PlayerRating };

/** Read access to ratings (matchmaking reads them; only the pipeline writes them). */
export interface RatingStore {
  /** Ratings of these players; players never rated get the initial rating. */
  get(playerIds: string[]): Promise<Map<string, PlayerRating>>;
}
