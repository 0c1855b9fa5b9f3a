import type { LeaderboardOp, LeaderboardRow, LeaderboardRowChange } from "../../shared/leaderboard-table.ts";
import type { LeaderboardRecord } from "../../shared/leaderboards.ts";

/**
 * The ops that turn the top N a view showed into the top N it shows now
 * (docs/protocol.md "Leaderboard streams (SSE)"; applied by the shared
 * `applyLeaderboardOps`). Both lists are in rank order with rank = position,
 * as the store reads them. As few ops as positional ops allow:
 * 1. `remove` each row that left, bottom up (so every rank is the previous
 *    table's);
 * 2. the rows that stayed keep their longest run already in the new order
 *    (they do not move; among equally long runs, the one with the most
 *    unchanged rows, so the row that scored is the one that moves); every other row that stayed is one `move`, and
 *    every row that entered one `insert`, placed from the top of the new
 *    table down, each right below the row that precedes it (so a rank in
 *    an op is usually the row's final rank);
 * 3. `update` each row whose fields changed, at its new rank, with only
 *    those fields.
 * A row passing others costs one op however far it goes, not one row per
 * rank it shifts.
 */
export function diffTop(previous: readonly LeaderboardRecord[], next: readonly LeaderboardRecord[]): LeaderboardOp[] {
  const ops: LeaderboardOp[] = [];
  const nextIndex = new Map<string, number>();
  next.forEach((row, index) => nextIndex.set(row.ownerId, index));
  for (let i = previous.length - 1; i >= 0; i--) if (!nextIndex.has(previous[i]!.ownerId)) ops.push(["remove", i + 1]);

  /** The table as the ops so far leave it (owner ids). */
  const current: string[] = [];
  const before = new Map<string, LeaderboardRecord>();
  for (const row of previous) {
    if (!nextIndex.has(row.ownerId)) continue;
    current.push(row.ownerId);
    before.set(row.ownerId, row);
  }
  const changes = new Map<number, LeaderboardRowChange>(); // by new index
  for (const owner of current) {
    const index = nextIndex.get(owner)!;
    const change = changedFields(before.get(owner)!, next[index]!);
    if (change) changes.set(index, change);
  }
  const stays = longestIncreasingRun(
    current.map((owner) => nextIndex.get(owner)!),
    (index) => !changes.has(index),
  );

  let anchor: string | undefined; // the row the one being placed goes right below
  for (let j = 0; j < next.length; j++) {
    const row = next[j]!;
    if (!stays.has(j)) {
      const at = anchor === undefined ? 0 : current.indexOf(anchor) + 1;
      const from = current.indexOf(row.ownerId);
      if (from === -1) {
        current.splice(at, 0, row.ownerId);
        ops.push(["insert", at + 1, withoutRank(row)]);
      } else {
        const to = from < at ? at - 1 : at;
        if (to !== from) {
          current.splice(from, 1);
          current.splice(to, 0, row.ownerId);
          ops.push(["move", from + 1, to + 1]);
        }
      }
    }
    anchor = row.ownerId;
  }

  for (let index = 0; index < next.length; index++) {
    const change = changes.get(index);
    if (change) ops.push(["update", index + 1, change]);
  }
  return ops;
}

function withoutRank(record: LeaderboardRecord): LeaderboardRow {
  const { rank: _rank, ...row } = record;
  return row;
}

/** The fields (but `rank`) whose values differ, with `next`'s values; null for a field `next` no longer has. Undefined: none. */
function changedFields(old: LeaderboardRecord, next: LeaderboardRecord): LeaderboardRowChange | undefined {
  let change: Record<string, unknown> | undefined;
  const was = old as unknown as Record<string, unknown>;
  const now = next as unknown as Record<string, unknown>;
  for (const key of Object.keys(now)) {
    if (key === "rank" || same(was[key], now[key])) continue;
    (change ??= {})[key] = now[key];
  }
  for (const key of Object.keys(was)) {
    if (key !== "rank" && !(key in now) && was[key] !== undefined) (change ??= {})[key] = null;
  }
  return change as LeaderboardRowChange | undefined;
}

/** Field equality: primitives by value, objects (metadata) by their JSON (a false "changed" only costs a redundant update). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The values of one longest strictly increasing subsequence of `values`;
 * among the longest, one with the most `preferred` values (the rows whose
 * fields did not change stay put, so the row that scored is the one that
 * moves). O(n²): n ≤ 100 (the largest top).
 */
function longestIncreasingRun(values: readonly number[], preferred: (value: number) => boolean): Set<number> {
  const n = values.length;
  const weight = (i: number) => (n + 1) * 2 + (preferred(values[i]!) ? 1 : 0);
  const best: number[] = new Array(n);
  const previousOf: number[] = new Array(n);
  let end = -1;
  for (let i = 0; i < n; i++) {
    best[i] = weight(i);
    previousOf[i] = -1;
    for (let k = 0; k < i; k++) {
      if (values[k]! < values[i]! && best[k]! + weight(i) > best[i]!) {
        best[i] = best[k]! + weight(i);
        previousOf[i] = k;
      }
    }
    if (end === -1 || best[i]! > best[end]!) end = i;
  }
  const run = new Set<number>();
  for (let i = end; i !== -1; i = previousOf[i]!) run.add(values[i]!);
  return run;
}
