import type { LeaderboardRecord } from "./leaderboards.ts";

/**
 * Live leaderboard stream events and the table they build (docs/protocol.md
 * "Leaderboard streams").
 * Every event has the id `epoch:version`; `snapshot` replaces the
 * client's table, `delta` is the change of the visible top N from
 * `prevVersion` to `version`. Pure and dependency-free (no zod), so the
 * SDK's leaderboards bundle can import it; the request validators live in
 * leaderboard-stream.ts. Browser-safe.
 */
export const LeaderboardStreamEvent = {
  SNAPSHOT: "snapshot",
  DELTA: "delta",
} as const satisfies Record<string, keyof LeaderboardStreamEvents>;

interface StreamEventBase {
  boardId: string;
  period: string;
  epoch: string;
  version: number;
  /** Server time (ms since the epoch) when the event was made: fan-out latency. */
  ts: number;
}

export interface LeaderboardSnapshotEvent extends StreamEventBase {
  top: number;
  rows: LeaderboardRecord[];
  total: number;
}

export interface LeaderboardDeltaEvent extends StreamEventBase {
  prevVersion: number;
  /** Rows that entered the top N or changed (score, rank, name…), with their new values. */
  upserts: LeaderboardRecord[];
  /** Owners that left the top N. */
  removes: string[];
  total: number;
}

/** A leaderboard stream's SSE events: event name → payload (`data`). The server's writer and the SDK's reader are typed by it. */
export interface LeaderboardStreamEvents {
  snapshot: LeaderboardSnapshotEvent;
  delta: LeaderboardDeltaEvent;
}

/** One event of the stream (or of a `/changes` answer), with its id `epoch:version`. */
export type LeaderboardStreamMessage = { [E in keyof LeaderboardStreamEvents]: { event: E; id: string; data: LeaderboardStreamEvents[E] } }[keyof LeaderboardStreamEvents];

/** `GET /v1/leaderboards/:id/changes`: the events after `after` (a snapshot when it cannot resume), or none when the hold ended first. */
export interface LeaderboardChangesResponse {
  events: LeaderboardStreamMessage[];
  /** The board's position after these events: the next poll's `after`. */
  cursor: string;
  changed: boolean;
}

/** The client's view of a board: what snapshots and deltas build. */
export interface LeaderboardTable {
  boardId: string;
  period: string;
  epoch: string;
  version: number;
  total: number;
  /** Sorted by rank. */
  rows: LeaderboardRecord[];
}

/**
 * Applies one event to a table (pure). A delta must follow the table's
 * version exactly; anything else is a gap, which the caller treats as "needs
 * a snapshot" (the server never sends one, so this catches bugs).
 */
export function applyLeaderboardEvent(table: LeaderboardTable | undefined, message: LeaderboardStreamMessage): LeaderboardTable | undefined {
  if (message.event === "snapshot") {
    const { boardId, period, epoch, version, total, rows } = message.data;
    return { boardId, period, epoch, version, total, rows: [...rows].sort((a, b) => a.rank - b.rank) };
  }
  const delta = message.data;
  if (!table || table.epoch !== delta.epoch || table.version !== delta.prevVersion) {
    throw new LeaderboardGapError(table, delta);
  }
  const removed = new Set(delta.removes);
  const byOwner = new Map(table.rows.filter((row) => !removed.has(row.ownerId)).map((row) => [row.ownerId, row]));
  for (const row of delta.upserts) byOwner.set(row.ownerId, row);
  return {
    ...table,
    version: delta.version,
    total: delta.total,
    rows: [...byOwner.values()].sort((a, b) => a.rank - b.rank),
  };
}

export class LeaderboardGapError extends Error {
  override readonly name = "LeaderboardGapError";
  constructor(table: LeaderboardTable | undefined, delta: LeaderboardDeltaEvent) {
    super(`delta ${delta.epoch}:${delta.prevVersion}->${delta.version} does not follow ${table ? `${table.epoch}:${table.version}` : "an empty table"}`);
  }
}
