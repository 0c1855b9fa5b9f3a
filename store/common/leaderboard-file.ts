import { readFile } from "node:fs/promises";
import { z } from "zod";
import { LeaderboardConfigInput } from "../../shared/leaderboards.ts";
import { describeIssues } from "../../shared/validation.ts";

/**
 * The start-up board file (`LEADERBOARDS_FILE`): a JSON array of board
 * configs, or `{ "leaderboards": [...] }`. Each entry is the body of
 * `POST /v1/admin/leaderboards`.
 */
const LeaderboardFile = z.union([z.array(LeaderboardConfigInput), z.strictObject({ leaderboards: z.array(LeaderboardConfigInput) })]);

export class LeaderboardFileError extends Error {
  override readonly name = "LeaderboardFileError";
}

export async function loadLeaderboardFile(path: string): Promise<z.output<typeof LeaderboardConfigInput>[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new LeaderboardFileError(`LEADERBOARDS_FILE ${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LeaderboardFileError(`LEADERBOARDS_FILE ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = LeaderboardFile.safeParse(json);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error).map((i) => `${i.path}: ${i.message}`).join("; ");
    throw new LeaderboardFileError(`LEADERBOARDS_FILE ${path} is invalid: ${issues}`);
  }
  const boards = Array.isArray(parsed.data) ? parsed.data : parsed.data.leaderboards;
  const seen = new Set<string>();
  for (const board of boards) {
    if (seen.has(board.id)) throw new LeaderboardFileError(`LEADERBOARDS_FILE ${path} lists leaderboard ${board.id} twice`);
    seen.add(board.id);
  }
  return boards;
}
