import assert from "node:assert/strict";
import { ResultSubmitter } from "../../rooms/result-submitter.ts";
import { MemoryMatchResultStore } from "../../store/memory/match-results.ts";
import type { MatchResult } from "../../shared/index.ts";

const result: MatchResult = Object.freeze({
  matchId: "m_submitter_test",
  mode: "1v1",
  teams: {
    home: { name: "Home", score: 1, stats: { goals: 1, assists: 0, shots: 1, saves: 0, touches: 3 } },
    away: { name: "Away", score: 0, stats: { goals: 0, assists: 0, shots: 0, saves: 0, touches: 1 } },
  },
  players: [],
  winner: "home",
  startedAt: "2030-01-01T00:00:00.000Z",
  endedAt: "2030-01-01T00:03:00.000Z",
});

function silentLogger() {
  const lines: { level: string; msg: string }[] = [];
  return {
    lines,
    info: (_: object, msg: string) => void lines.push({ level: "info", msg }),
    warn: (_: object, msg: string) => void lines.push({ level: "warn", msg }),
    error: (_: object, msg: string) => void lines.push({ level: "error", msg }),
  };
}

/** A manual timer: retries fire when the test says so. */
function manualSchedule() {
  const pending: { fn: () => void; ms: number; cleared: boolean }[] = [];
  return {
    pending,
    schedule: (fn: () => void, ms: number) => {
      const entry = { fn, ms, cleared: false };
      pending.push(entry);
      return { clear: () => void (entry.cleared = true) };
    },
    fireNext() {
      const entry = pending.shift();
      if (!entry || entry.cleared) throw new Error("no retry scheduled");
      entry.fn();
      return entry.ms;
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("ResultSubmitter", () => {
  it("records once however often submit is called", async () => {
    const store = new MemoryMatchResultStore();
    let calls = 0;
    const counting = { record: (r: MatchResult) => (calls++, store.record(r)) };
    const submitter = new ResultSubmitter({ store: counting, logger: silentLogger() });
    const first = submitter.submit(result);
    assert.equal(submitter.submit(result), first, "a second finish gets the first promise");
    await first;
    await submitter.submit({ ...result, winner: "away" });
    assert.equal(calls, 1);
    assert.equal(submitter.recorded, true);
    assert.equal((await store.get(result.matchId))?.winner, "home");
  });

  it("retries a failing store with growing, capped backoff, logs, and never throws", async () => {
    const store = new MemoryMatchResultStore();
    let failures = 5;
    const flaky = {
      record: async (r: MatchResult) => {
        if (failures-- > 0) throw new Error("ECONNREFUSED");
        return store.record(r);
      },
    };
    const logger = silentLogger();
    const timer = manualSchedule();
    const submitter = new ResultSubmitter({ store: flaky, logger, schedule: timer.schedule, initialDelayMs: 100, maxDelayMs: 1000, random: () => 0.999 });
    const done = submitter.submit(result);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      await settle();
      delays.push(timer.fireNext());
    }
    await done;
    assert.deepEqual(delays, [100, 200, 400, 800, 1000]);
    assert.equal(submitter.attempts, 6);
    assert.equal(submitter.recorded, true);
    assert.equal(logger.lines.filter((l) => l.level === "warn").length, 5);
    assert.ok(await store.get(result.matchId));
  });

  it("stop() cancels the retries and logs the lost result once", async () => {
    const logger = silentLogger();
    const timer = manualSchedule();
    const submitter = new ResultSubmitter({ store: { record: async () => Promise.reject(new Error("down")) }, logger, schedule: timer.schedule, random: () => 0 });
    const done = submitter.submit(result);
    await settle();
    assert.equal(timer.pending.length, 1);
    submitter.stop();
    submitter.stop();
    await done;
    assert.equal(timer.pending[0]!.cleared, true);
    assert.equal(submitter.recorded, false);
    assert.equal(logger.lines.filter((l) => l.level === "error").length, 1);
  });
});
