import assert from "node:assert/strict";
import { AppError, type MatchResult } from "../../shared/index.ts";
import { MemoryMatchResultStore } from "../../store/memory/match-results.ts";
import type { ResultPipeline } from "../../store/common/result-pipeline.ts";
import { ResultRecorder } from "../../store/common/result-recorder.ts";
import { waitFor } from "../helpers/wait.ts";
import { makeResult, silentLogger } from "../helpers/store-harness.ts";

/**
 * The outbox's guards (store/result-recorder.ts), one test each that fails
 * without its guard: results held while the store is unreachable keep their
 * order (a new result queues behind them), and the same match recorded twice
 * while held is held once, with every caller answered. The store is the
 * memory store behind a switch that makes it unreachable (exact control of
 * the outage; the Redis outage itself is test/store/redis-outage.test.ts).
 */
function switchedStore() {
  const store = new MemoryMatchResultStore();
  const state = { down: true };
  const record = store.record.bind(store);
  store.record = async (result: MatchResult, options) => {
    if (state.down) throw new AppError("STORE_UNAVAILABLE", "store down (test switch)");
    return record(result, options);
  };
  return { store, state };
}

/** The recorder kicks the pipeline after each write; these tests look at the results store alone. */
const noPipeline = { kick: () => undefined } as unknown as ResultPipeline;

describe("result outbox guards", () => {
  it("order: a result recorded while others wait in the outbox queues behind them, even once the store is back", async () => {
    const { store, state } = switchedStore();
    const recorder = new ResultRecorder({ store, pipeline: noPipeline, logger: silentLogger, retry: { minMs: 60_000, maxMs: 60_000 } });
    const first = makeResult();
    const second = makeResult();
    const held = recorder.record(first);
    await waitFor(() => recorder.pending === 1, "the first result held");
    state.down = false;
    const later = recorder.record(second);
    recorder.flushSoon();
    await Promise.all([held, later]);
    assert.deepEqual((await store.after(0, 10)).map((r) => r.matchId), [first.matchId, second.matchId], "the feed keeps the recording order");
    await recorder.close(0);
  });

  it("dedupe: the same match recorded twice while the store is down is held once, and both callers get the record", async () => {
    const { store, state } = switchedStore();
    const recorder = new ResultRecorder({ store, pipeline: noPipeline, logger: silentLogger, retry: { minMs: 60_000, maxMs: 60_000 } });
    const result = makeResult();
    const answers: unknown[] = [];
    const first = recorder.record(result).then((answer) => answers.push(answer));
    await waitFor(() => recorder.pending === 1, "the result held");
    await new Promise((resolve) => setImmediate(resolve)); // the first caller is waiting on the held entry
    const again = recorder.record(result).then((answer) => answers.push(answer));
    await waitFor(() => recorder.pending === 1, "still one held result");
    state.down = false;
    recorder.flushSoon();
    await waitFor(() => answers.length === 2, "both callers answered");
    await Promise.all([first, again]);
    assert.equal((await store.after(0, 10)).length, 1);
    await recorder.close(0);
  });
});
