import { randomBytes } from "node:crypto";
import { CronExpressionParser } from "cron-parser";
import { AppError } from "../shared/errors.ts";
import {
  LeaderboardConfigInput,
  MAX_SCORE,
  RESET_SCHEDULES,
  type LeaderboardConfig,
  type LeaderboardConfigPatch,
  type LeaderboardOperator,
  type LeaderboardRecord,
  type LeaderboardSort,
} from "../shared/leaderboards.ts";
import { parseOrThrow } from "../shared/validation.ts";

/**
 * The leaderboard rules both implementations share (memory in TypeScript,
 * Redis in Lua: store/redis/lua.ts mirrors `memberKey` and `applyOperator`,
 * and the conformance suite holds them to the same answers).
 */

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

/** The period every non-resetting board has. */
export const ALL_TIME_PERIOD = "all";

export interface ResolvedPeriod {
  key: string;
  /** ms; 0 for `all`. */
  startMs: number;
  /** ms of the next reset; null if the board never resets. */
  endMs: number | null;
}

// ---------------------------------------------------------------- configs

/** Validates an input (zod + cron) into a full config. */
export function newConfig(input: unknown, nowMs: number): LeaderboardConfig {
  const parsed = parseOrThrow(LeaderboardConfigInput, input, "leaderboard config");
  const reset = parsed.reset === null ? null : normaliseReset(parsed.reset);
  const now = new Date(nowMs).toISOString();
  return {
    id: parsed.id,
    title: parsed.title ?? parsed.id,
    sort: parsed.sort,
    operator: parsed.operator,
    reset,
    metadata: parsed.metadata,
    visibility: parsed.visibility,
    revision: 1,
    createdAt: now,
    updatedAt: now,
  };
}

export function patchedConfig(config: LeaderboardConfig, patch: LeaderboardConfigPatch, nowMs: number): LeaderboardConfig {
  if (patch.sort !== undefined && patch.sort !== config.sort) {
    throw new AppError("CONFLICT", `The sort order of leaderboard ${config.id} cannot change (every rank would change meaning); create a new board`);
  }
  const visibility = patch.visibility ?? config.visibility;
  const metadata = patch.metadata ?? config.metadata;
  if (visibility === "league-members" && typeof metadata.leagueId !== "string") {
    throw new AppError("VALIDATION_FAILED", `Invalid leaderboard update: a league-members board names its league in metadata.leagueId (a string)`, {
      details: { issues: [{ path: "metadata", message: "a league-members board names its league in metadata.leagueId" }] },
    });
  }
  return {
    ...config,
    title: patch.title ?? config.title,
    operator: patch.operator ?? config.operator,
    reset: patch.reset === undefined ? config.reset : patch.reset === null ? null : normaliseReset(patch.reset),
    metadata,
    visibility,
    revision: config.revision + 1,
    updatedAt: new Date(nowMs).toISOString(),
  };
}

/**
 * A config as stored (Redis JSON). Boards stored before visibility existed
 * read as `public`, except fantasy standings, which read as `league-members`.
 */
export function decodeConfig(json: string): LeaderboardConfig {
  const config = JSON.parse(json) as Omit<LeaderboardConfig, "visibility"> & { visibility?: LeaderboardConfig["visibility"] };
  return { ...config, visibility: config.visibility ?? (config.metadata?.kind === "fantasy-standings" ? "league-members" : "public") };
}

/** `daily`/`weekly`/`monthly` stay named; a cron expression must parse. */
export function normaliseReset(reset: string): string {
  const trimmed = reset.trim();
  if (Object.hasOwn(RESET_SCHEDULES, trimmed)) return trimmed;
  try {
    CronExpressionParser.parse(trimmed, { tz: "UTC" });
  } catch (error) {
    throw new AppError("VALIDATION_FAILED", `Invalid reset: ${trimmed} is neither daily, weekly, monthly nor a cron expression (${(error as Error).message})`, {
      details: { issues: [{ path: "reset", message: (error as Error).message }] },
    });
  }
  return trimmed;
}

function cronOf(reset: string): string {
  return (RESET_SCHEDULES as Record<string, string>)[reset] ?? reset;
}

// ---------------------------------------------------------------- periods

export function currentPeriod(config: Pick<LeaderboardConfig, "reset">, nowMs: number): ResolvedPeriod {
  if (config.reset === null) return { key: ALL_TIME_PERIOD, startMs: 0, endMs: null };
  const cron = cronOf(config.reset);
  // prev() is strictly before currentDate: +1 ms makes a reset at exactly `now` count as started.
  const start = CronExpressionParser.parse(cron, { currentDate: new Date(nowMs + 1), tz: "UTC" }).prev().getTime();
  const end = CronExpressionParser.parse(cron, { currentDate: new Date(nowMs), tz: "UTC" }).next().getTime();
  return { key: new Date(start).toISOString(), startMs: start, endMs: end };
}

/** Resolves a `period` parameter (see `PeriodParam` in shared/leaderboards.ts). */
export function resolvePeriod(config: Pick<LeaderboardConfig, "id" | "reset">, param: string | undefined, nowMs: number): ResolvedPeriod {
  const current = currentPeriod(config, nowMs);
  if (param === undefined || param === "current") return current;
  if (config.reset === null) {
    if (param === ALL_TIME_PERIOD || param === "previous") return current;
    throw periodError(config.id, param, "this board never resets; its only period is `all`");
  }
  const cron = cronOf(config.reset);
  if (param === "previous") {
    const start = CronExpressionParser.parse(cron, { currentDate: new Date(current.startMs), tz: "UTC" }).prev().getTime();
    return { key: new Date(start).toISOString(), startMs: start, endMs: current.startMs };
  }
  const startMs = Date.parse(param);
  if (param === ALL_TIME_PERIOD || Number.isNaN(startMs) || new Date(startMs).toISOString() !== param) {
    throw periodError(config.id, param, "expected current, previous or the ISO-8601 start of a period");
  }
  if (startMs > current.startMs) throw periodError(config.id, param, "that period has not started");
  const endMs = CronExpressionParser.parse(cron, { currentDate: new Date(startMs), tz: "UTC" }).next().getTime();
  return { key: param, startMs, endMs };
}

function periodError(boardId: string, param: string, why: string): AppError {
  return new AppError("VALIDATION_FAILED", `Invalid period ${JSON.stringify(param)} for leaderboard ${boardId}: ${why}`, {
    details: { issues: [{ path: "period", message: why }] },
  });
}

// ---------------------------------------------------------------- ordering

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

// ---------------------------------------------------------------- encodings

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
