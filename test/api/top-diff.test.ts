import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { diffTop } from "../../api/leaderboard-streams/top-diff.ts";
import { applyLeaderboardOps, LeaderboardGapError, type LeaderboardDeltaEvent, type LeaderboardOp, type LeaderboardRecord } from "../../shared/index.ts";

/** A row as the store reads it (rank = position). */
function row(ownerId: string, rank: number, score: number, extra: Partial<LeaderboardRecord> = {}): LeaderboardRecord {
  return { ownerId, name: ownerId.toUpperCase(), score, subscore: 0, numScore: 1, rank, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z", ...extra };
}

/** Rows in the given owner order, ranked by position; owner `a` has score 100, `b` 99… unless `scores` says otherwise. */
function table(owners: string, scores: Record<string, number> = {}): LeaderboardRecord[] {
  return [...owners].map((owner, index) => row(owner, index + 1, scores[owner] ?? 100 - (owner.charCodeAt(0) - 97)));
}

/** The ops as they travel (JSON), applied to `previous`. */
function applyWire(previous: LeaderboardRecord[], ops: LeaderboardOp[]): LeaderboardRecord[] {
  return applyLeaderboardOps(previous, JSON.parse(JSON.stringify(ops)) as LeaderboardOp[]);
}

/**
 * An independent reference for the number of moves: rows that stayed minus
 * the longest run of them already in the new order (O(n²) dynamic programming).
 */
function minimalMoves(previous: LeaderboardRecord[], next: LeaderboardRecord[]): number {
  const at = new Map(next.map((r, i) => [r.ownerId, i]));
  const kept = previous.filter((r) => at.has(r.ownerId)).map((r) => at.get(r.ownerId)!);
  const best = kept.map(() => 1);
  for (let i = 0; i < kept.length; i++) for (let j = 0; j < i; j++) if (kept[j]! < kept[i]!) best[i] = Math.max(best[i]!, best[j]! + 1);
  return kept.length - Math.max(0, ...best);
}

describe("leaderboard delta ops (diffTop and applyLeaderboardOps)", () => {
  it("a row passing six others is one move (plus its new score), not seven rows", () => {
    const before = table("abcdefghij");
    const after = table("gabcdefhij", { g: 200 });
    after[0] = { ...after[0]!, numScore: 2, updatedAt: "2026-01-01T00:00:01.000Z" };
    const ops = diffTop(before, after);
    assert.deepEqual(ops, [
      ["move", 7, 1],
      ["update", 1, { score: 200, numScore: 2, updatedAt: "2026-01-01T00:00:01.000Z" }],
    ]);
    assert.deepEqual(applyWire(before, ops), after);
  });

  it("a row falling from the top is one move; rows entering and leaving the top N are inserts and removes", () => {
    assert.deepEqual(diffTop(table("abcde"), table("bcdae")), [["move", 1, 4]]);
    const entered = table("xabcd", { x: 500 });
    const ops = diffTop(table("abcde"), entered);
    assert.deepEqual(ops, [
      ["remove", 5],
      ["insert", 1, { ownerId: "x", name: "X", score: 500, subscore: 0, numScore: 1, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z" }],
    ]);
    assert.deepEqual(applyWire(table("abcde"), ops), entered);
    assert.deepEqual(diffTop(table("abc"), table("abc")), []);
  });

  it("the worked example of docs/protocol.md applies as documented, and is what the server sends for that change", () => {
    const doc = readFileSync(new URL("../../docs/protocol.md", import.meta.url), "utf8");
    const block = /```\n {2}event: delta\n {2}id: k3x9ZpQa:42\n {2}data: ([^`]*)```/.exec(doc);
    assert.ok(block, "docs/protocol.md has the worked example");
    const data = JSON.parse(block[1]!.split("\n").map((line) => line.trim()).join("")) as LeaderboardDeltaEvent;
    assert.deepEqual([data.prevVersion, data.version, data.total], [41, 42, 6]);
    const at = (time: string) => `2026-01-05T10:00:0${time}.000Z`;
    const rec = (ownerId: string, rank: number, score: number, extra: Partial<LeaderboardRecord> = {}) =>
      row(ownerId, rank, score, { name: ownerId[0]!.toUpperCase() + ownerId.slice(1), createdAt: at("0"), updatedAt: at("0"), ...extra });
    const previous = [rec("ann", 1, 500), rec("bob", 2, 400), rec("cy", 3, 300), rec("dee", 4, 200), rec("eve", 5, 100)];
    const next = [
      rec("eve", 1, 600, { numScore: 2, updatedAt: at("1") }),
      rec("ann", 2, 500),
      rec("bob", 3, 450, { numScore: 2, updatedAt: at("1") }),
      rec("fay", 4, 350, { createdAt: at("1"), updatedAt: at("1") }),
      rec("cy", 5, 300),
    ];
    assert.deepEqual(applyWire(previous, data.ops), next, "the new table the doc states");
    assert.deepEqual(diffTop(previous, next), data.ops, "the ops the server sends");
  });

  it("ops that do not fit the table are a gap (the client asks for a snapshot), never a corrupt table", () => {
    const rows = table("abc");
    for (const ops of [[["remove", 4]], [["move", 0, 1]], [["move", 1, 4]], [["insert", 5, { ownerId: "x" }]], [["update", 1, 5]], [["swap", 1, 2]], [["remove", 1.5]], "nope"] as unknown as LeaderboardOp[][]) {
      assert.throws(() => applyLeaderboardOps(rows, ops), LeaderboardGapError, JSON.stringify(ops));
    }
    assert.deepEqual(rows, table("abc"), "the previous rows are untouched");
  });

  it("property: for any change of a board (ties, equal names, metadata, deletions, batches of writes), the ops turn the previous top N into the new one exactly, with the fewest moves", () => {
    const owner = fc.integer({ min: 0, max: 11 }).map((n) => `o${n}`);
    const write = fc.record({
      kind: fc.constantFrom("score", "score", "score", "name", "metadata", "delete"),
      owner,
      score: fc.integer({ min: 0, max: 6 }), // a small range: many ties
      subscore: fc.integer({ min: 0, max: 1 }),
      name: fc.constantFrom("Same", "Same", "Other"), // equal names on different owners
      metadata: fc.option(fc.dictionary(fc.constantFrom("team", "tag"), fc.string({ maxLength: 3 }), { maxKeys: 2, noNullPrototype: true }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.constantFrom("desc", "asc"), fc.array(fc.array(write, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 25 }), (top, sort, batches) => {
        // A model board: score, subscore, then who got there first (seq) ranks higher.
        const board = new Map<string, { record: Omit<LeaderboardRecord, "rank">; seq: number }>();
        let seq = 0;
        const read = (): LeaderboardRecord[] =>
          [...board.values()]
            .sort((a, b) => (sort === "desc" ? b.record.score - a.record.score || b.record.subscore - a.record.subscore : a.record.score - b.record.score || a.record.subscore - b.record.subscore) || a.seq - b.seq)
            .slice(0, top)
            .map((entry, index) => ({ ...entry.record, rank: index + 1 }));
        let shown = read();
        for (const batch of batches) {
          // A batch is several writes seen as one change (conflated reads of the publisher).
          for (const w of batch) {
            const old = board.get(w.owner);
            const time = new Date(Date.UTC(2026, 0, 1, 0, 0, ++seq)).toISOString();
            if (w.kind === "delete") board.delete(w.owner);
            else if (w.kind === "name" && old) old.record = { ...old.record, name: w.name };
            else if (w.kind === "metadata" && old) {
              const { metadata: _gone, ...rest } = old.record;
              old.record = w.metadata ? { ...rest, metadata: w.metadata } : rest;
            } else if (w.kind === "score" || !old) {
              const record = { ownerId: w.owner, name: w.name, score: w.score, subscore: w.subscore, numScore: (old?.record.numScore ?? 0) + 1, createdAt: old?.record.createdAt ?? time, updatedAt: time };
              board.set(w.owner, { record: old?.record.metadata ? { ...record, metadata: old.record.metadata } : record, seq });
            }
          }
          const next = read();
          const ops = diffTop(shown, next);
          assert.deepEqual(applyWire(shown, ops), next);
          const count = (kind: string) => ops.filter((op) => op[0] === kind).length;
          const ids = (rows: LeaderboardRecord[]) => new Set(rows.map((r) => r.ownerId));
          const [was, now] = [ids(shown), ids(next)];
          assert.equal(count("remove"), [...was].filter((id) => !now.has(id)).length, "one remove per row that left");
          assert.equal(count("insert"), [...now].filter((id) => !was.has(id)).length, "one insert per row that entered");
          assert.equal(count("move"), minimalMoves(shown, next), "the fewest moves");
          if (JSON.stringify(shown) === JSON.stringify(next)) assert.deepEqual(ops, [], "no change, no ops");
          shown = next;
        }
      }),
      { numRuns: 400 },
    );
  });
});
