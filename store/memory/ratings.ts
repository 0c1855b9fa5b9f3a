import { initialRating, type PlayerRating } from "../../shared/rules/ratings/glicko2.ts";
import type { RatingStore } from "../ratings.ts";

/** The embedded default (the memory pipeline writes it). */
export class MemoryRatingStore implements RatingStore {
  readonly #ratings = new Map<string, PlayerRating>();

  async get(playerIds: string[]): Promise<Map<string, PlayerRating>> {
    return this.getSync(playerIds);
  }

  getSync(playerIds: string[]): Map<string, PlayerRating> {
    return new Map(playerIds.map((id) => [id, { ...(this.#ratings.get(id) ?? initialRating(id)) }]));
  }

  setSync(ratings: PlayerRating[]): void {
    for (const rating of ratings) this.#ratings.set(rating.playerId, { ...rating });
  }
}
