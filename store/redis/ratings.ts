import { initialRating, type PlayerRating } from "../../shared/rules/ratings/glicko2.ts";
import type { RatingStore } from "../ratings.ts";
import type { RedisConnection } from "./connection.ts";

/** Key: `ratings` (hash player → JSON). Only the pipeline's fenced commit writes it. */
export class RedisRatingStore implements RatingStore {
  readonly #redis: RedisConnection;
  readonly key: string;

  constructor(redis: RedisConnection, keys: { prefix: string }) {
    this.#redis = redis;
    this.key = `${keys.prefix}ratings`;
  }

  async get(playerIds: string[]): Promise<Map<string, PlayerRating>> {
    if (playerIds.length === 0) return new Map();
    const values = await this.#redis.run((c) => c.hmGet(this.key, playerIds));
    return new Map(playerIds.map((id, i) => [id, values[i] ? (JSON.parse(values[i]!) as PlayerRating) : initialRating(id)]));
  }
}
