import assert from "node:assert/strict";
import { setImmediate as nextTurn } from "node:timers/promises";
import { FAN_OUT_SLICE_MS, TopView, type BoardSink, type TopState } from "../../api/leaderboard-streams/top-view.ts";
import type { LeaderboardRecord } from "../../shared/leaderboards.ts";

/**
 * A view writes one event to its subscribers at most FAN_OUT_SLICE_MS at a
 * time, so a process fanning out to thousands of streams still runs its
 * rooms' timers in between. These tests force slicing with sinks that take
 * a while per write, and check what slicing must not change: every
 * subscriber gets every event, in order, exactly once.
 */

const record = (ownerId: string, score: number, rank: number): LeaderboardRecord => ({
  ownerId,
  name: ownerId,
  score,
  subscore: 0,
  numScore: 1,
  rank,
  createdAt: "2026-12-06T00:00:00.000Z",
  updatedAt: "2026-12-06T00:00:00.000Z",
});

const state = (version: number, scores: number[]): TopState => ({
  period: "all",
  epoch: "e",
  version,
  total: scores.length,
  records: scores.map((score, i) => record(`o${i}`, score, i + 1)),
});

/** A sink that spends `ms` of CPU per write (a slow socket write) and keeps what it got. */
class SlowSink implements BoardSink {
  readonly got: string[] = [];
  readonly congested = false;
  constructor(readonly ms: number) {}
  write(bytes: Buffer): boolean {
    const until = performance.now() + this.ms;
    while (performance.now() < until);
    this.got.push(/\nid: ([^\n]+)/.exec(bytes.toString())![1]!);
    return true;
  }
  onceDrained(): void {}
}

describe("leaderboard fan-out in slices", () => {
  it("a fan-out longer than a slice is finished on later turns of the event loop, and timers run in between", async () => {
    const view = new TopView({ boardId: "b", top: 3, historyLimit: 10, state: state(1, [3, 2, 1]) });
    // Enough work for several slices: each write takes a fifth of a slice.
    const sinks = Array.from({ length: 64 * 4 }, () => new SlowSink(FAN_OUT_SLICE_MS / 5));
    for (const sink of sinks) view.subscribe(sink, { epoch: "e", offset: 1 });
    let timerRan = false;
    setTimeout(() => (timerRan = true), 0);
    view.publish(state(2, [9, 3, 2]));
    const writtenAtOnce = sinks.filter((sink) => sink.got.length === 1).length;
    assert.ok(writtenAtOnce > 0 && writtenAtOnce < sinks.length, `the first slice wrote some, not all (${writtenAtOnce})`);
    while (sinks.some((sink) => sink.got.length === 0)) await nextTurn();
    assert.ok(timerRan, "a timer ran before the fan-out was done");
    for (const sink of sinks) assert.deepEqual(sink.got, ["e:2"]);
  });

  it("a newer event finishes the pending fan-out first: every subscriber gets both, in order, once", async () => {
    const view = new TopView({ boardId: "b", top: 3, historyLimit: 10, state: state(1, [3, 2, 1]) });
    const sinks = Array.from({ length: 64 * 4 }, () => new SlowSink(FAN_OUT_SLICE_MS / 5));
    for (const sink of sinks) view.subscribe(sink, { epoch: "e", offset: 1 });
    view.publish(state(2, [9, 3, 2]));
    view.publish(state(3, [9, 8, 3]));
    while (sinks.some((sink) => sink.got.length < 2)) await nextTurn();
    await nextTurn();
    for (const sink of sinks) assert.deepEqual(sink.got, ["e:2", "e:3"]);
  });

  it("a subscriber joining during a fan-out catches up from the history and is not written twice; one leaving is skipped", async () => {
    const view = new TopView({ boardId: "b", top: 3, historyLimit: 10, state: state(1, [3, 2, 1]) });
    const sinks = Array.from({ length: 64 * 4 }, () => new SlowSink(FAN_OUT_SLICE_MS / 5));
    const subscriptions = sinks.map((sink) => view.subscribe(sink, { epoch: "e", offset: 1 }));
    view.publish(state(2, [9, 3, 2]));
    const leaving = sinks.length - 1;
    assert.equal(sinks[leaving]!.got.length, 0, "the last subscriber is not written in the first slice");
    subscriptions[leaving]!.unsubscribe();
    const late = new SlowSink(0);
    view.subscribe(late, { epoch: "e", offset: 1 });
    while (sinks.slice(0, leaving).some((sink) => sink.got.length === 0)) await nextTurn();
    await nextTurn();
    assert.deepEqual(late.got, ["e:2"]);
    assert.deepEqual(sinks[leaving]!.got, []);
  });
});
