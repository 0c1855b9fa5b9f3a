import { applyLeaderboardOps, LeaderboardGapError, type LeaderboardOp } from "./leaderboard-ops.ts";
import type { LeaderboardRecord } from "./leaderboards.ts";

export * from "./leaderboard-ops.ts";

/**
 * Live leaderboard stream events and the table they build (docs/protocol.md
 * "Leaderboard streams").
 * Every event has the id `epoch:version`; `snapshot` replaces the
 * client's table, `delta` is the change of the visible top N from
 * `prevVersion` to `version`, as ops (leaderboard-ops.ts). Pure and dependency-free (no zod), so the
 * SDK's leaderboards bundle can import it; the request validators live in
 * leaderboard-stream.ts. Browser-safe.
 */
export const LeaderboardStreamEvent = {
  SNAPSHOT: "snapshot",
  DELTA: "delta",
} as const satisfies Record<string, keyof LeaderboardStreamEvents>;

export interface LeaderboardSnapshotEvent {
  boardId: string;
  period: string;
  epoch: string;
  version: number;
  top: number;
  rows: LeaderboardRecord[];
  total: number;
  /** Server time (ms since the epoch) when the event was made: fan-out latency. */
  ts: number;
}

/**
 * The change of the visible top N from `prevVersion` to `version`, within the
 * epoch and period of the snapshot it follows (a new epoch or period is always
 * a snapshot): its id says the epoch.
 */
export interface LeaderboardDeltaEvent {
  /** The version this delta applies to (the previous event's); anything else is a gap. */
  prevVersion: number;
  version: number;
  /** Applied in order to the previous table (leaderboard-ops.ts). */
  ops: LeaderboardOp[];
  total: number;
  /** Server time (ms since the epoch) when the event was made: fan-out latency. */
  ts: number;
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

/** The epoch of an event id `epoch:version`. */
export function eventEpoch(id: string): string {
  const colon = id.lastIndexOf(":");
  return colon === -1 ? "" : id.slice(0, colon);
}

/**
 * Applies one event to a table (pure). A delta must follow the table's
 * epoch and version exactly, and its ops must fit the table; anything else
 * is a {@link LeaderboardGapError}, which the caller treats as "needs a
 * snapshot" (the server never sends one, so this catches bugs).
 */
export function applyLeaderboardEvent(table: LeaderboardTable | undefined, message: LeaderboardStreamMessage): LeaderboardTable | undefined {
  if (message.event === "snapshot") {
    const { boardId, period, epoch, version, total, rows } = message.data;
    return { boardId, period, epoch, version, total, rows: [...rows].sort((a, b) => a.rank - b.rank) };
  }
  const delta = message.data;
  const epoch = eventEpoch(message.id);
  if (!table || table.epoch !== epoch || table.version !== delta.prevVersion) {
    throw new LeaderboardGapError(`delta ${epoch}:${delta.prevVersion}->${delta.version} does not follow ${table ? `${table.epoch}:${table.version}` : "an empty table"}`);
  }
  return { ...table, version: delta.version, total: delta.total, rows: applyLeaderboardOps(table.rows, delta.ops) };
}
