import type { Logger } from "pino";
import type { LeaderboardConfigInput } from "../../shared/leaderboards.ts";
import { patchedConfig } from "../../shared/rules/leaderboards/config.ts";
import type { LeaderboardStore } from "../leaderboards.ts";

/** File boards are the operator's declared config: create, or update what differs (a sort change is refused). */
export async function upsertBoard(leaderboards: LeaderboardStore, board: LeaderboardConfigInput, logger: Logger): Promise<void> {
  const { config, created } = await leaderboards.ensure(board);
  if (created) {
    logger.info({ leaderboardId: config.id }, "leaderboard created from LEADERBOARDS_FILE");
    return;
  }
  const patch = {
    title: board.title ?? board.id,
    sort: board.sort ?? "desc",
    operator: board.operator ?? "best",
    reset: board.reset ?? null,
    metadata: board.metadata ?? {},
    visibility: board.visibility ?? "public",
  };
  const wanted = patchedConfig(config, patch, 0);
  const differs = (["title", "operator", "reset", "visibility"] as const).some((k) => wanted[k] !== config[k]) || JSON.stringify(wanted.metadata) !== JSON.stringify(config.metadata);
  if (differs) {
    await leaderboards.update(config.id, patch);
    logger.info({ leaderboardId: config.id }, "leaderboard updated from LEADERBOARDS_FILE");
  }
}
