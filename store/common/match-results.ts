import { AppError } from "../../shared/errors.ts";
import type { MatchResult, RecordedMatchResult } from "../../shared/match-result.ts";

/** What both results stores share: content comparison, refusals, the list limit and history cursors. */

/** Whether two results say the same thing (key order and the store's `recordedAt`/`seq` aside). */
export function sameMatchResult(a: MatchResult, b: MatchResult): boolean {
  return canonicalJson(resultContent(a)) === canonicalJson(resultContent(b));
}

function resultContent(result: MatchResult): unknown {
  const { recordedAt: _recordedAt, seq: _seq, ...content } = result as Partial<RecordedMatchResult> & MatchResult;
  return content;
}

/** JSON with object keys sorted and `undefined` members dropped. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** A second, different result for a recorded match id. */
export function differentResultError(matchId: string): AppError {
  return new AppError("CONFLICT", `Match ${matchId} is already recorded with a different result; a recorded result never changes`, {
    details: { matchId, reason: "DIFFERENT_RESULT" },
  });
}

/** A result for a match id that a live room (not the caller) holds. */
export function matchLiveError(matchId: string, roomId: string): AppError {
  return new AppError("CONFLICT", `Match ${matchId} is being played in room ${roomId}; only that room records its result`, {
    details: { matchId, roomId, reason: "MATCH_LIVE" },
  });
}

export const RESULT_LIST_LIMIT = { default: 20, max: 100 } as const;

export function clampResultLimit(limit: number | undefined): number {
  if (limit === undefined) return RESULT_LIST_LIMIT.default;
  if (!Number.isInteger(limit) || limit < 1 || limit > RESULT_LIST_LIMIT.max) throw new AppError("VALIDATION_FAILED", `limit must be an integer in 1..${RESULT_LIST_LIMIT.max}`);
  return limit;
}

/** History cursors are the seq of the last result seen (opaque to clients). */
export function encodeSeqCursor(seq: number): string {
  return `s${seq.toString(36)}`;
}

export function decodeSeqCursor(cursor: string): number {
  const match = /^s([0-9a-z]{1,11})$/.exec(cursor);
  if (!match) throw new AppError("BAD_CURSOR", "The cursor is malformed");
  return parseInt(match[1], 36);
}
