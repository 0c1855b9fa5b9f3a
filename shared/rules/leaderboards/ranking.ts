import { MAX_SCORE, type LeaderboardOperator, type LeaderboardSort } from "../../leaderboards.ts";

/**
 * How records rank and how a submission changes one. Memory applies these in
 * TypeScript; Redis in Lua (store/redis/leaderboards-lua.ts mirrors
 * `memberKey` and `applyOperator`), and the conformance suite holds both to
 * the same answers.
 */

/** A validated score write for one board, as `submit` and the result pipeline hand it to a store. */
export interface BoardWrite {
  boardId: string;
  ownerId: string;
  name?: string;
  score: number;
  subscore: number;
  /** JSON text. */
  metadata?: string;
}

const pad = (n: number) => String(n).padStart(16, "0");

/**
 * The record's position as a fixed-width string whose byte order IS the rank
 * order: score, then subscore (both per `sort`), then `seq` ascending (the
 * earlier submission ranks higher), then the owner id (unique member).
 * Redis keeps these in a sorted set with equal scores (lexicographic order).
 */
export function memberKey(sort: LeaderboardSort, score: number, subscore: number, seq: number, ownerId: string): string {
  return sort === "desc" ? pad(MAX_SCORE - score) + pad(MAX_SCORE - subscore) + pad(seq) + ownerId : pad(score) + pad(subscore) + pad(seq) + ownerId;
}

export const MEMBER_PREFIX_LENGTH = 48;

/**
 * What a submission makes of the owner's record, or undefined when the
 * (score, subscore) would not change: such a submission is a no-op (no
 * version bump, `numScore` unchanged, tie order kept).
 */
export function applyOperator(
  operator: LeaderboardOperator,
  sort: LeaderboardSort,
  old: { score: number; subscore: number } | undefined,
  score: number,
  subscore: number,
): { score: number; subscore: number } | undefined {
  let next: { score: number; subscore: number };
  switch (operator) {
    case "set":
      next = { score, subscore };
      break;
    case "best": {
      if (!old) return { score, subscore };
      const better =
        sort === "desc"
          ? score > old.score || (score === old.score && subscore > old.subscore)
          : score < old.score || (score === old.score && subscore < old.subscore);
      if (!better) return undefined;
      next = { score, subscore };
      break;
    }
    case "incr":
      next = { score: Math.min((old?.score ?? 0) + score, MAX_SCORE), subscore: Math.min((old?.subscore ?? 0) + subscore, MAX_SCORE) };
      break;
    case "decr":
      next = { score: Math.max((old?.score ?? 0) - score, 0), subscore: Math.max((old?.subscore ?? 0) - subscore, 0) };
      break;
  }
  if (old && old.score === next.score && old.subscore === next.subscore) return undefined;
  return next;
}

/** The rank window for "around me": `limit` rows centred on `rank0` (0-based), shifted to stay inside [0, total). */
export function aroundWindow(rank0: number, total: number, limit: number): { start: number; stop: number } {
  let start = Math.max(0, rank0 - Math.floor((limit - 1) / 2));
  if (start + limit > total) start = Math.max(0, total - limit);
  return { start, stop: Math.min(total, start + limit) - 1 };
}
