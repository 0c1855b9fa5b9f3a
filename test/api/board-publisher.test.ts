import assert from "node:assert/strict";
import fc from "fast-check";
import { BoardPublisher, diffTop, type BoardSink } from "../../api/leaderboard-streams/board-publisher.ts";
import { applyLeaderboardEvent, type LeaderboardStreamMessage, type LeaderboardTable } from "../../shared/index.ts";
import { MemoryLeaderboardStore } from "../../store/memory/leaderboards.ts";
import { LocalNotifications } from "../../store/common/local-notifications.ts";

/** Parses the SSE bytes a sink received back into messages. */
function parseSse(bytes: Buffer): LeaderboardStreamMessage {
  const lines = bytes.toString("utf8").trim().split("\n");
  const field = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
  return { event: field("event"), id: field("id"), data: JSON.parse(field("data")!) } as LeaderboardStreamMessage;
}

class RecordingSink implements BoardSink {
  readonly messages: LeaderboardStreamMessage[] = [];
  congested = false;
  #drained: (() => void)[] = [];
  write(bytes: Buffer): boolean {
    this.messages.push(parseSse(bytes));
    return !this.congested;
  }
  onceDrained(listener: () => void): void {
    this.#drained.push(listener);
  }
  drain(): void {
    this.congested = false;
    const listeners = this.#drained;
    this.#drained = [];
    for (const listener of listeners) listener();
  }
}

const TOP = 5;

/** A table's rows, every field (key order aside): what a rebuilt table must equal exactly. */
function tableView(table: LeaderboardTable | undefined) {
  return table && JSON.stringify(table.rows.map((r) => Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)))));
}

describe("leaderboard board publisher", () => {
  it("diffTop: a row that overtakes others is one move, a row that leaves one remove, a newcomer one insert", () => {
    const row = (ownerId: string, rank: number, score: number) => ({ ownerId, name: ownerId, rank, score, subscore: 0, numScore: 1, createdAt: "t", updatedAt: `t${score}` });
    const ops = diffTop([row("a", 1, 10), row("b", 2, 5), row("c", 3, 1)], [row("c", 1, 17), row("a", 2, 10), row("d", 3, 6)]);
    assert.deepEqual(ops, [
      ["remove", 2],
      ["move", 2, 1],
      ["insert", 3, { ownerId: "d", name: "d", score: 6, subscore: 0, numScore: 1, createdAt: "t", updatedAt: "t6" }],
      ["update", 1, { score: 17, updatedAt: "t17" }],
    ]);
  });

  it("property: a client that disconnects at random points and resumes rebuilds the server's top N at every version — no gap, no duplicate", async () => {
    const operators = ["best", "set", "incr", "decr"] as const;
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operators),
        fc.array(fc.record({ owner: fc.integer({ min: 0, max: 12 }), score: fc.integer({ min: 0, max: 50 }), disconnect: fc.boolean(), congest: fc.boolean() }), { minLength: 1, maxLength: 40 }),
        async (operator, steps) => {
          cases++;
          const notifications = new LocalNotifications();
          const store = new MemoryLeaderboardStore(notifications, { historyLimit: 1000 });
          await store.create({ id: "b", operator });
          const publisher = new BoardPublisher({
            boardId: "b",
            historyLimit: 1000,
            read: async (limit) => {
              const page = await store.top("b", { limit });
              return { ...page.state, records: page.records };
            },
          });
          await publisher.load(TOP);
          /** The server's visible table at each version it published. */
          const truth = new Map<number, string | undefined>();
          const record = async () => {
            const page = await store.top("b", { limit: TOP });
            truth.set(page.state.version, tableView({ ...page.state, boardId: "b", rows: page.records }));
          };
          await record();

          let table: LeaderboardTable | undefined;
          let lastId: string | undefined;
          let sink = new RecordingSink();
          let sub = publisher.view(TOP).subscribe(sink);
          let seen = 0;
          const consume = () => {
            for (; seen < sink.messages.length; seen++) {
              const message = sink.messages[seen];
              table = applyLeaderboardEvent(table, message);
              lastId = message.id;
              // The rebuilt table equals the server's top N at that version.
              const version = Number(message.id!.split(":")[1]);
              assert.equal(tableView(table), truth.get(version), `version ${version}`);
            }
          };
          for (const step of steps) {
            if (step.congest) sink.congested = true;
            await store.submit("b", [{ ownerId: `o${step.owner}`, score: step.score }]);
            await publisher.refresh();
            await record();
            if (step.congest) sink.drain();
            consume();
            if (step.disconnect) {
              sub.unsubscribe();
              const [epoch, offset] = lastId!.split(":");
              sink = new RecordingSink();
              seen = 0;
              sub = publisher.view(TOP).subscribe(sink, { epoch, offset: Number(offset) });
              consume();
            }
          }
          consume();
          const final = await store.top("b", { limit: TOP });
          assert.equal(tableView(table), tableView({ ...final.state, boardId: "b", rows: final.records }));
          sub.unsubscribe();
        },
      ),
      { numRuns: 150 },
    );
    assert.equal(cases >= 150, true);
  });

  it("a resume from another epoch or a trimmed version gets one snapshot; an up-to-date one gets nothing", async () => {
    const store = new MemoryLeaderboardStore(new LocalNotifications());
    await store.create({ id: "b" });
    const publisher = new BoardPublisher({ boardId: "b", historyLimit: 2, read: async (limit) => { const p = await store.top("b", { limit }); return { ...p.state, records: p.records }; } });
    await publisher.load(3);
    const view = publisher.view(3);
    for (let i = 1; i <= 5; i++) {
      await store.submit("b", [{ ownerId: `o${i}`, score: i * 10 }]);
      await publisher.refresh();
    }
    const { epoch, version } = view.cursor;
    const up = view.subscribe(new RecordingSink(), { epoch, offset: version });
    assert.equal(up.outcome, "up-to-date");
    const replay = new RecordingSink();
    assert.equal(view.subscribe(replay, { epoch, offset: version - 2 }).outcome, "replayed");
    assert.deepEqual(replay.messages.map((m) => m.event), ["delta", "delta"]);
    const trimmed = new RecordingSink();
    assert.equal(view.subscribe(trimmed, { epoch, offset: version - 3 }).outcome, "snapshot", "history holds only 2");
    const otherEpoch = new RecordingSink();
    assert.equal(view.subscribe(otherEpoch, { epoch: "other", offset: version }).outcome, "snapshot");
    assert.equal(otherEpoch.messages.length, 1);
  });
});
