import { randomBytes } from "node:crypto";
import { AppError } from "../../shared/errors.ts";
import type { LeaderboardConfig, LeaderboardRecord } from "../../shared/leaderboards.ts";
import { MEMBER_PREFIX_LENGTH } from "../../shared/rules/leaderboards/ranking.ts";

/**
 * How both leaderboard implementations store and page records: the stored
 * record's encoding (the Lua side writes the same array), keyset cursors,
 * period epochs and the page limit.
 */

/** Versions of change history kept per board period when the options name none (LeaderboardStoreOptions.historyLimit). */
export const DEFAULT_HISTORY_LIMIT = 512;

/** A record as stored. `seq` orders ties: it is taken from a per-period counter when the score last changed. */
export interface StoredRecord {
  score: number;
  subscore: number;
  numScore: number;
  createdMs: number;
  updatedMs: number;
  seq: number;
  ownerId: string;
  name: string;
  /** JSON text, or null. */
  metadata: string | null;
}

/**
 * A config as stored (Redis JSON). Boards stored before visibility existed
 * read as `public`, except fantasy standings, which read as `league-members`.
 */
export function decodeConfig(json: string): LeaderboardConfig {
  const config = JSON.parse(json) as Omit<LeaderboardConfig, "visibility"> & { visibility?: LeaderboardConfig["visibility"] };
  return { ...config, visibility: config.visibility ?? (config.metadata?.kind === "fantasy-standings" ? "league-members" : "public") };
}


/**
 * Stored form: a JSON array (the Lua side writes it without cjson's 14-digit
 * number limit). `[score, subscore, numScore, createdMs, updatedMs, seq, ownerId, name, metadataJson|null]`.
 */
export function encodeRecord(r: StoredRecord): string {
  return JSON.stringify([r.score, r.subscore, r.numScore, r.createdMs, r.updatedMs, r.seq, r.ownerId, r.name, r.metadata]);
}

export function decodeRecord(text: string): StoredRecord {
  return recordFromArray(JSON.parse(text) as unknown[]);
}

export function recordFromArray(fields: unknown[]): StoredRecord {
  const [score, subscore, numScore, createdMs, updatedMs, seq, ownerId, name, metadata] = fields as [
    number, number, number, number, number, number, string, string, string | null,
  ];
  return { score, subscore, numScore, createdMs, updatedMs, seq, ownerId, name, metadata };
}

export function toRecordDto(r: StoredRecord, rank: number): LeaderboardRecord {
  return {
    ownerId: r.ownerId,
    name: r.name,
    score: r.score,
    subscore: r.subscore,
    numScore: r.numScore,
    rank,
    ...(r.metadata ? { metadata: JSON.parse(r.metadata) as Record<string, unknown> } : {}),
    createdAt: new Date(r.createdMs).toISOString(),
    updatedAt: new Date(r.updatedMs).toISOString(),
  };
}

interface CursorBody {
  b: string;
  p: string;
  k: string;
}

/** Opaque keyset cursor: the last row's member key, bound to its board and period. */
export function encodeCursor(boardId: string, period: string, lastMember: string): string {
  return Buffer.from(JSON.stringify({ b: boardId, p: period, k: lastMember } satisfies CursorBody)).toString("base64url");
}

/** The member key after which the next page starts. BAD_CURSOR if malformed or from another board/period. */
export function decodeCursor(cursor: string, boardId: string, period: string): string {
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Partial<CursorBody>;
  } catch {
    throw new AppError("BAD_CURSOR", "The cursor is malformed");
  }
  if (typeof body?.k !== "string" || body.k.length <= MEMBER_PREFIX_LENGTH || typeof body.b !== "string" || typeof body.p !== "string") {
    throw new AppError("BAD_CURSOR", "The cursor is malformed");
  }
  if (body.b !== boardId || body.p !== period) throw new AppError("BAD_CURSOR", "The cursor belongs to another leaderboard or period");
  return body.k;
}

/**
 * The epoch of a period nobody has written to yet. Its first write starts a
 * real epoch; a reader at `empty` version 0 can still replay from version 1.
 */
export const EMPTY_EPOCH = "empty";

/** Whether a reader at `since` is in the period's epoch (see EMPTY_EPOCH). */
export function sameEpoch(epoch: string, since: { epoch: string; version: number }): boolean {
  return epoch === since.epoch || (since.epoch === EMPTY_EPOCH && since.version === 0);
}

/** Epochs appear in SSE ids (`epoch:offset`): short, URL-safe, unique enough per board period. */
export function newEpoch(): string {
  return randomBytes(6).toString("base64url").replace(/[-_]/g, "x");
}

export function clampLimit(limit: number | undefined, fallback = 20): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new AppError("VALIDATION_FAILED", "limit must be an integer in 1..100");
  return limit;
}

