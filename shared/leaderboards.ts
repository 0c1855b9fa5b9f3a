import { z } from "zod";
import { IdPatterns } from "./ids.ts";
import { displayText } from "./text.ts";
import type { RecordedMatchResult } from "./match-result.ts";
import { queryNumber } from "./validation.ts";

/**
 * Leaderboards (docs/protocol.md "Leaderboards"), with Nakama's semantics: a board has a sort order,
 * an operator that decides how a submission combines with the owner's record,
 * an optional reset schedule (lazy: a new period starts a new record set, past
 * periods stay readable) and metadata. Scores are integers plus an optional
 * subscore; ties rank the owner who got there FIRST higher.
 * Browser-safe: the SDK and the leaderboard page import these DTOs.
 */

/** Board ids appear in URLs and store keys. */
export const LeaderboardId = z.string().regex(IdPatterns.leaderboard, "not a leaderboard id (letters, digits, _ . -; at most 80)");

/** Who a record belongs to: a player id, a fantasy team id, or any operator-defined id. */
export const OwnerId = z.string().regex(IdPatterns.owner, "not an owner id (letters, digits, _ . : -; at most 128)");

export const LeaderboardSort = z.enum(["desc", "asc"]);
export type LeaderboardSort = z.infer<typeof LeaderboardSort>;

/**
 * `best`: keep the better of the record and the submission (per `sort`);
 * `set`: replace; `incr`: add; `decr`: subtract, never below 0.
 * Subscores follow the same operator.
 */
export const LeaderboardOperator = z.enum(["best", "set", "incr", "decr"]);
export type LeaderboardOperator = z.infer<typeof LeaderboardOperator>;

/** Named reset schedules (UTC); anything else is a 5- or 6-field cron expression, evaluated in UTC. */
export const RESET_SCHEDULES = {
  daily: "0 0 * * *",
  /** ISO weeks: Monday 00:00 UTC. */
  weekly: "0 0 * * 1",
  monthly: "0 0 1 * *",
} as const;

/** `daily`, `weekly`, `monthly` or a cron expression (checked by the store, which owns the cron parser). */
export const LeaderboardReset = z.string().trim().min(1).max(100);

/** The largest score or subscore (Number.MAX_SAFE_INTEGER: exact in JSON, JavaScript and Redis's Lua). */
export const MAX_SCORE = Number.MAX_SAFE_INTEGER;
export const Score = z.number().int("scores are integers").min(0, "scores are never negative").max(MAX_SCORE);

/**
 * Who may read a board: `public` (anyone: listed by `GET /v1/leaderboards`,
 * readable and streamable without a token), or `league-members` (a fantasy
 * league's standings: only the members of the league named in
 * `metadata.leagueId` — its commissioner and managers — and the admin key;
 * never listed).
 */
export const LeaderboardVisibility = z.enum(["public", "league-members"]);
export type LeaderboardVisibility = z.infer<typeof LeaderboardVisibility>;

const Metadata = z.record(z.string(), z.unknown()).refine((value) => JSON.stringify(value).length <= 4096, "metadata must be at most 4096 bytes of JSON");
const Title = displayText("title", { max: 80 });

/** A `league-members` board names its league in `metadata.leagueId`. */
const namesItsLeague = (board: { visibility?: LeaderboardVisibility; metadata?: Record<string, unknown> }) =>
  board.visibility !== "league-members" || board.metadata === undefined || typeof board.metadata.leagueId === "string";
const LEAGUE_ID_NEEDED = { error: "a league-members board names its league in metadata.leagueId (a string)", path: ["metadata"] };

export const LeaderboardConfigInput = z
  .strictObject({
    id: LeaderboardId,
    title: Title.optional(),
    sort: LeaderboardSort.default("desc"),
    operator: LeaderboardOperator.default("best"),
    reset: LeaderboardReset.nullable().default(null),
    metadata: Metadata.default({}),
    visibility: LeaderboardVisibility.default("public"),
  })
  .refine(namesItsLeague, LEAGUE_ID_NEEDED);
export type LeaderboardConfigInput = z.input<typeof LeaderboardConfigInput>;

/**
 * An admin update. Unlike Nakama, boards can change operator, reset schedule,
 * title and metadata; `sort` cannot change (every record's rank would change
 * meaning): create a new board instead (409 CONFLICT).
 */
export const LeaderboardConfigPatch = z
  .strictObject({
    title: Title.optional(),
    sort: LeaderboardSort.optional(),
    operator: LeaderboardOperator.optional(),
    reset: LeaderboardReset.nullable().optional(),
    metadata: Metadata.optional(),
    visibility: LeaderboardVisibility.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, "an update must change at least one field");
export type LeaderboardConfigPatch = z.infer<typeof LeaderboardConfigPatch>;

export interface LeaderboardConfig {
  id: string;
  title: string;
  sort: LeaderboardSort;
  operator: LeaderboardOperator;
  /** `daily` | `weekly` | `monthly` | a cron expression; null: never resets. */
  reset: string | null;
  metadata: Record<string, unknown>;
  /** Who may read it (see LeaderboardVisibility); only `public` boards are listed. */
  visibility: LeaderboardVisibility;
  /** Bumped by every config update. */
  revision: number;
  /** ISO-8601 */
  createdAt: string;
  /** ISO-8601 */
  updatedAt: string;
}

/** One owner's standing on a board in one period. */
export interface LeaderboardRecord {
  ownerId: string;
  /** Display name (the player's or fantasy team's name at its last submission). */
  name: string;
  score: number;
  subscore: number;
  /** How many submissions changed this record. */
  numScore: number;
  /** 1-based. Ties: the owner who reached the score first ranks higher. */
  rank: number;
  metadata?: Record<string, unknown>;
  /** ISO-8601 */
  createdAt: string;
  /** ISO-8601: when the score last changed (the tie-break order). */
  updatedAt: string;
}

/** A score submission (server-side only: match results and the admin API; clients never post scores). */
export const ScoreWrite = z.strictObject({
  ownerId: OwnerId,
  name: displayText("name", { max: 64 }).optional(),
  score: Score,
  subscore: Score.default(0),
  metadata: Metadata.optional(),
});
export type ScoreWrite = z.input<typeof ScoreWrite>;

export const ScoreWriteRequest = z.strictObject({ records: z.array(ScoreWrite).min(1).max(100) });

/**
 * Which period of a resetting board: omitted/`current`, `previous`, or a
 * period key (the ISO-8601 start of the period, as returned in `period`).
 * Boards that never reset have one period, `all`.
 */
export const PeriodParam = z.string().regex(/^(current|previous|all|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)$/, "period must be current, previous, all or an ISO-8601 period start");

export const LEADERBOARD_PAGE_LIMIT = { min: 1, max: 100, default: 20 } as const;
const Limit = queryNumber("limit", { min: LEADERBOARD_PAGE_LIMIT.min, max: LEADERBOARD_PAGE_LIMIT.max, int: true }).default(LEADERBOARD_PAGE_LIMIT.default);

// Queries ignore unknown parameters (cache busters); bodies are strict.
export const LeaderboardPageQuery = z.object({
  limit: Limit,
  cursor: z.string().min(1).max(512).optional(),
  period: PeriodParam.optional(),
});
export const LeaderboardPlayerQuery = z.object({ period: PeriodParam.optional() });
export const LeaderboardAroundQuery = z.object({ limit: Limit, period: PeriodParam.optional() });

/** Where a board's period stands: what a snapshot or a delta is relative to. */
export interface LeaderboardPeriodState {
  leaderboardId: string;
  /** `all`, or the ISO-8601 start of the period. */
  period: string;
  /** ISO-8601 end of the period (the next reset); null for boards that never reset. */
  periodEndsAt: string | null;
  /**
   * Changes whenever the version sequence restarts (a new period, lost
   * history): a cursor from another epoch can only be answered with a snapshot.
   */
  epoch: string;
  /** Bumped by every change of this period's records; 0 before the first. */
  version: number;
  /** Number of records in the period. */
  total: number;
}

/** `GET /v1/leaderboards/:id` */
export interface LeaderboardPage extends LeaderboardPeriodState {
  records: LeaderboardRecord[];
  /** Opaque keyset cursor for the next page; null on the last page. */
  nextCursor: string | null;
}

/** `GET /v1/leaderboards/:id/players/:playerId` */
export interface LeaderboardPlayerResponse extends LeaderboardPeriodState {
  record: LeaderboardRecord;
}

/** `GET /v1/leaderboards/:id/around/:playerId` */
export interface LeaderboardAroundResponse extends LeaderboardPeriodState {
  records: LeaderboardRecord[];
}

/** `GET /v1/leaderboards`: the public boards (every board with the admin key). */
export interface LeaderboardListResponse {
  leaderboards: LeaderboardConfig[];
}

/** `POST /v1/admin/match-results`: 201/200 when recorded (200: it already was), 202 when held in the outbox while the store is down. */
export type AdminMatchResultResponse =
  | { status: "recorded"; created: boolean; result: RecordedMatchResult }
  | { status: "queued"; matchId: string };

/** `POST /v1/admin/leaderboards/:id/records` */
export interface ScoreWriteResponse extends LeaderboardPeriodState {
  /** The records the submission changed, with their ranks after it (a submission that does not move a score changes nothing). */
  changed: LeaderboardRecord[];
}

/** The built-in boards every server has (created at start-up if absent; an admin may edit them). */
export const BUILT_IN_LEADERBOARDS = {
  rating: "rating",
  ratingWeekly: "rating-weekly",
  wins: "wins",
  winsWeekly: "wins-weekly",
  goals: "goals",
  goalsWeekly: "goals-weekly",
} as const;

/** A fantasy league's standings board (one per league, created on demand). */
export function fantasyStandingsBoardId(leagueId: string): string {
  return `fantasy-${leagueId}`;
}
