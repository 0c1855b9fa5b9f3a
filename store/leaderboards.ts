import type { BoardWrite } from "../shared/rules/leaderboards/ranking.ts";
import type {
  LeaderboardConfig,
  LeaderboardConfigInput,
  LeaderboardConfigPatch,
  LeaderboardPeriodState,
  LeaderboardRecord,
  ScoreWrite,
} from "../shared/leaderboards.ts";

export type { BoardWrite };

/**
 * Leaderboards with Nakama's semantics (docs/protocol.md "Leaderboards"). Every read and write
 * names a period: omitted/`current` (the period `now` falls in), `previous`,
 * or a period key from an earlier answer. Resets are lazy: nothing runs at
 * the reset time; the next write simply lands in the new period's record set.
 *
 * Versions: each (board, period) has an `epoch` and a `version` bumped by
 * every change; the change history (version → changed rows) is kept for the
 * last `historyLimit` versions, so a stream can replay a gap
 * ({@link LeaderboardStore.changesSince}) instead of sending a snapshot.
 *
 * Errors: `AppError` NOT_FOUND (unknown board), CONFLICT (board exists,
 * sort change), VALIDATION_FAILED (bad cron, bad period), BAD_CURSOR,
 * STORE_UNAVAILABLE (Redis down).
 */
export interface LeaderboardStore {
  list(): Promise<LeaderboardConfig[]>;
  getConfig(boardId: string): Promise<LeaderboardConfig | undefined>;
  /** Creates a board; CONFLICT if the id exists. */
  create(input: LeaderboardConfigInput): Promise<LeaderboardConfig>;
  /** Creates the board unless it exists (start-up boards, league standings). Never changes an existing board. */
  ensure(input: LeaderboardConfigInput): Promise<{ config: LeaderboardConfig; created: boolean }>;
  /** Updates operator/reset/title/metadata; CONFLICT on a sort change; NOT_FOUND. */
  update(boardId: string, patch: LeaderboardConfigPatch): Promise<LeaderboardConfig>;

  /**
   * Applies score submissions to the board's current period with its operator,
   * atomically: at most one version bump for the whole batch, and only if a
   * record changed. Server-side only (admin API, tests); match results go
   * through the pipeline.
   */
  submit(boardId: string, writes: ScoreWrite[]): Promise<SubmitOutcome>;

  /** Top N from a keyset cursor (opaque; limit 1..100). The rows, count and version come from one consistent read. */
  top(boardId: string, options?: { limit?: number; cursor?: string; period?: string }): Promise<TopPage>;
  /** An owner's record and rank, or undefined if the owner has none this period. */
  record(boardId: string, ownerId: string, options?: { period?: string }): Promise<{ state: LeaderboardPeriodState; record: LeaderboardRecord | undefined }>;
  /** A window of `limit` records centred on the owner (shifted at the ends); undefined records if the owner has none. */
  around(boardId: string, ownerId: string, options?: { limit?: number; period?: string }): Promise<{ state: LeaderboardPeriodState; records: LeaderboardRecord[] | undefined }>;
  /** Period, epoch, version and record count. */
  state(boardId: string, options?: { period?: string }): Promise<LeaderboardPeriodState>;
  /**
   * The changes after `since.version` in `since.epoch`, oldest first, one
   * entry per version; `undefined` when they cannot be replayed (another
   * epoch, trimmed history, a version from the future): send a snapshot.
   * An empty `changes` means the caller is up to date.
   */
  changesSince(boardId: string, since: { period: string; epoch: string; version: number }): Promise<ChangeReplay | undefined>;
  /** Period keys that have records, newest first (at most `limit`, default 20). */
  periods(boardId: string, options?: { limit?: number }): Promise<string[]>;
}

export interface SubmitOutcome {
  state: LeaderboardPeriodState;
  /** Changed records with their ranks right after this submission. */
  changed: LeaderboardRecord[];
}

export interface TopPage {
  state: LeaderboardPeriodState;
  records: LeaderboardRecord[];
  nextCursor: string | null;
}

/** One version's changed rows (ranks as of that version). */
export interface LeaderboardChange {
  version: number;
  rows: LeaderboardRecord[];
}

export interface ChangeReplay {
  epoch: string;
  /** The current version (the last entry's version when `changes` is non-empty). */
  version: number;
  changes: LeaderboardChange[];
}

/** Named limits of a leaderboard store. */
export interface LeaderboardStoreOptions {
  /** Versions of change history kept per board period for stream replay. @default 512 */
  historyLimit?: number;
  /** The clock (ms); tests move it to cross reset boundaries. @default Date.now */
  clock?: () => number;
}
