import { BUILT_IN_LEADERBOARDS, type League } from "../../shared/index.ts";
import type { LeaderboardStore } from "../../store/leaderboards.ts";
import type { PoolPlayer } from "../../shared/rules/draft/model.ts";

/** A page of the `rating` board (the store's maximum). */
const PAGE = 100;

/**
 * The draftable pool: the game's players, i.e. the top `limit` records of the
 * `rating` board (their order is the league's default rankings), then the
 * players supplied when the league was created that have no rating record
 * (unranked, in the order given). Positions come from the supplied `players`
 * (also for rated players listed there); others have none (bench only).
 */
export async function loadDraftPool(leaderboards: LeaderboardStore, league: League, limit: number): Promise<PoolPlayer[]> {
  const pool: PoolPlayer[] = [];
  let cursor: string | undefined;
  while (pool.length < limit) {
    const page = await leaderboards.top(BUILT_IN_LEADERBOARDS.rating, { limit: Math.min(PAGE, limit - pool.length), cursor });
    for (const record of page.records) pool.push({ playerId: record.ownerId, name: record.name || record.ownerId, rating: record.score, rank: record.rank });
    if (!page.nextCursor || page.records.length === 0) break;
    cursor = page.nextCursor;
  }
  const known = new Set(pool.map((p) => p.playerId));
  const positions = new Map(league.players.filter((p) => p.position).map((p) => [p.playerId, p.position!]));
  for (const player of pool) {
    const position = positions.get(player.playerId);
    if (position) player.position = position; // a rated player listed in `players` takes its position from there
  }
  for (const player of league.players) {
    if (known.has(player.playerId)) continue;
    known.add(player.playerId);
    pool.push({ playerId: player.playerId, name: player.name ?? player.playerId, rating: 0, rank: 0, ...(player.position ? { position: player.position } : {}) });
  }
  return pool;
}
