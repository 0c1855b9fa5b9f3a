import assert from "node:assert/strict";
import { parseHistograms, quantileBetween, serverLatencies } from "../../loadtest/server-latency.ts";

/** The load tool's reading of the server-side histograms: the window's delta, quantiles interpolated within buckets. */
describe("loadtest: server-side latency from /metrics histograms", () => {
  const exposition = (counts: [string, number][], sum: number) =>
    [
      "# TYPE room_input_to_patch_seconds histogram",
      ...counts.map(([le, n]) => `room_input_to_patch_seconds_bucket{le="${le}"} ${n}`),
      `room_input_to_patch_seconds_sum ${sum}`,
      `room_input_to_patch_seconds_count ${counts[counts.length - 1][1]}`,
    ].join("\n");

  it("takes the quantiles of the delta between two readings, interpolating inside the bucket", () => {
    const before = parseHistograms(exposition([["0.01", 100], ["0.05", 100], ["0.1", 100], ["+Inf", 100]], 0.5), ["room_input_to_patch_seconds"]);
    // In the window: 100 more observations, all between 10 and 50 ms.
    const after = parseHistograms(exposition([["0.01", 100], ["0.05", 200], ["0.1", 200], ["+Inf", 200]], 3.5), ["room_input_to_patch_seconds"]);
    const reading = after.room_input_to_patch_seconds;
    assert.deepEqual(reading.bounds, [0.01, 0.05, 0.1, Infinity]);
    // Rank 50 of the 100 new ones: halfway through the 10–50 ms bucket.
    assert.equal(quantileBetween(before.room_input_to_patch_seconds, reading, 0.5), 0.03);
    assert.ok(Math.abs(quantileBetween(before.room_input_to_patch_seconds, reading, 0.99)! - 0.0496) < 1e-9);
    const [arena] = Object.values(serverLatencies(["arena"], before, after));
    assert.deepEqual(arena, { metric: "room_input_to_patch_seconds", count: 100, p50Ms: 30, p90Ms: 46, p99Ms: 49.6, meanMs: 30 });
  });

  it("answers nothing without observations, and the last finite bound past it", () => {
    const empty = parseHistograms(exposition([["0.01", 0], ["+Inf", 0]], 0), ["room_input_to_patch_seconds"]).room_input_to_patch_seconds;
    assert.equal(quantileBetween(undefined, empty, 0.99), undefined);
    const slow = parseHistograms(exposition([["0.01", 0], ["5", 0], ["+Inf", 3]], 30), ["room_input_to_patch_seconds"]).room_input_to_patch_seconds;
    assert.equal(quantileBetween(undefined, slow, 0.5), 5);
  });
});
