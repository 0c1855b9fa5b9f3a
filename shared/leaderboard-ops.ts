import type { LeaderboardRecord } from "./leaderboards.ts";

/**
 * The ops of a leaderboard `delta` event (docs/protocol.md "Leaderboard
 * streams (SSE)"): how the visible top N changed, as moves rather than rows.
 * A table's rows are in rank order and a row's rank is its position (1-based),
 * so a row moving from rank i to rank j is ONE op that implies the shift of
 * every row between, and a row entering or leaving the top N is one op too.
 * Ops apply in order, each to the table the previous one left; ranks in an op
 * are positions in that table. Pure and dependency-free (the SDK's
 * leaderboards bundle imports it). Browser-safe.
 */

/** A record as an `insert` op carries it: every field but `rank` (its position says it). */
export type LeaderboardRow = Omit<LeaderboardRecord, "rank">;

/** The fields of a row that changed, with their new values; `null`: the (optional) field is gone. */
export type LeaderboardRowChange = { [K in keyof LeaderboardRow]?: LeaderboardRow[K] | null };

export type LeaderboardOp =
  /** The row at `rank` left the top N; the rows below move up one. */
  | ["remove", rank: number]
  /** The row at `from` moves to `to` (its rank once it is there); the rows between shift by one toward `from`. */
  | ["move", from: number, to: number]
  /** A row enters at `rank`; the rows from there move down one. */
  | ["insert", rank: number, row: LeaderboardRow]
  /** The row at `rank` has new values for these fields (its place does not change). */
  | ["update", rank: number, change: LeaderboardRowChange];

/** A delta that does not apply to the table it is given (a gap, or a malformed op): the client needs a snapshot. */
export class LeaderboardGapError extends Error {
  override readonly name = "LeaderboardGapError";
}

/**
 * The rows after `ops` (a new array; `rows` and its objects are not
 * touched; rows whose rank or fields did not change are the same objects).
 * Throws {@link LeaderboardGapError} on an op that does not fit the table.
 */
export function applyLeaderboardOps(rows: readonly LeaderboardRecord[], ops: readonly LeaderboardOp[]): LeaderboardRecord[] {
  const out = rows.slice();
  if (!Array.isArray(ops)) throw new LeaderboardGapError("a delta's ops are not a list");
  for (const op of ops) {
    const kind: unknown = Array.isArray(op) ? op[0] : op;
    switch (kind) {
      case "remove":
        out.splice(position(op[1], out.length, op), 1);
        break;
      case "move": {
        const [row] = out.splice(position(op[1], out.length, op), 1);
        out.splice(position(op[2], out.length + 1, op), 0, row!);
        break;
      }
      case "insert":
        out.splice(position(op[1], out.length + 1, op), 0, { ...fields(op), rank: op[1] } as LeaderboardRecord);
        break;
      case "update": {
        const index = position(op[1], out.length, op);
        out[index] = changed(out[index]!, fields(op));
        break;
      }
      default:
        throw new LeaderboardGapError(`unknown leaderboard op ${JSON.stringify(kind)}`);
    }
  }
  for (let i = 0; i < out.length; i++) if (out[i]!.rank !== i + 1) out[i] = { ...out[i]!, rank: i + 1 };
  return out;
}

/** A 1-based rank of an op as a 0-based index into a table of `size` places. */
function position(rank: unknown, size: number, op: unknown): number {
  if (typeof rank !== "number" || !Number.isInteger(rank) || rank < 1 || rank > size) {
    throw new LeaderboardGapError(`leaderboard op ${JSON.stringify(op)} does not fit a table of ${size} places`);
  }
  return rank - 1;
}

function fields(op: readonly unknown[]): Record<string, unknown> {
  const value = op[2];
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new LeaderboardGapError(`leaderboard op ${JSON.stringify(op)} has no fields`);
  return value as Record<string, unknown>;
}

function changed(row: LeaderboardRecord, change: Record<string, unknown>): LeaderboardRecord {
  const next: Record<string, unknown> = { ...row };
  for (const key of Object.keys(change)) {
    if (key === "__proto__" || key === "rank") continue;
    const value = change[key];
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next as unknown as LeaderboardRecord;
}
