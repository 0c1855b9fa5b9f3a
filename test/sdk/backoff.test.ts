import assert from "node:assert/strict";
import fc from "fast-check";
import { DEFAULT_BACKOFF, backoffCeiling, backoffDelay, parseRetryAfter, retryDelay } from "../../client-sdk/index.ts";

describe("sdk: backoff", () => {
  it("defaults to 0.5 s .. 20 s", () => {
    assert.equal(DEFAULT_BACKOFF.minMs, 500);
    assert.equal(DEFAULT_BACKOFF.maxMs, 20_000);
    assert.equal(backoffDelay(0, { random: () => 0 }), 500);
    assert.equal(backoffDelay(1000, { random: () => 1 }), 20_000);
    assert.ok(backoffDelay(1000, { random: () => 0.999999 }) > 19_999);
  });

  it("stays within [min, max] for any attempt, policy and random draw", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 1, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, minMs, span, factor, r) => {
          const options = { minMs, maxMs: minMs + span, factor, random: () => r };
          const delay = backoffDelay(attempt, options);
          return delay >= minMs && delay <= minMs + span && delay <= backoffCeiling(attempt, options);
        },
      ),
    );
  });

  it("is full jitter: the window doubles per attempt up to the cap, and draws spread uniformly over all of it", () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => backoffCeiling(attempt)),
      [1000, 2000, 4000, 8000, 16_000, 20_000, 20_000, 20_000],
    );
    // The extremes of the random source reach the extremes of the window.
    assert.equal(backoffDelay(3, { random: () => 0 }), 500);
    assert.equal(backoffDelay(3, { random: () => 1 }), 8000);
    // Real randomness: deciles of 20,000 draws at attempt 3 are each ~10 % of the draws,
    // the mean is the middle of the window, and draws land near both ends.
    const n = 20_000;
    const lo = 500;
    const hi = 8000;
    const buckets = new Array(10).fill(0);
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const delay = backoffDelay(3);
      sum += delay;
      min = Math.min(min, delay);
      max = Math.max(max, delay);
      buckets[Math.min(9, Math.floor(((delay - lo) / (hi - lo)) * 10))]++;
    }
    for (const count of buckets) assert.ok(Math.abs(count / n - 0.1) < 0.015, `decile share ${count / n} is not ~0.1: ${buckets}`);
    assert.ok(Math.abs(sum / n - (lo + hi) / 2) < 100, `mean ${sum / n}`);
    assert.ok(min < lo + 50 && max > hi - 50, `range ${min}..${max}`);
    // At the cap the window is the whole [min, max].
    const capped = Array.from({ length: 5000 }, () => backoffDelay(50));
    assert.ok(Math.max(...capped) <= 20_000 && Math.max(...capped) > 19_000);
    assert.ok(Math.min(...capped) >= 500 && Math.min(...capped) < 1500);
  });

  it("rejects nonsense policies", () => {
    assert.throws(() => backoffDelay(0, { minMs: 100, maxMs: 50 }), RangeError);
    assert.throws(() => backoffDelay(0, { factor: 0.5 }), RangeError);
  });

  it("honours Retry-After as a floor (never sooner), keeps jitter above short floors, and clamps absurd values", () => {
    assert.equal(retryDelay(0, { random: () => 0 }, 3000), 3000, "the floor wins over a shorter backoff");
    assert.equal(retryDelay(0, { random: () => 0.5 }, 100), 750, "a short floor leaves the jittered delay");
    assert.equal(retryDelay(4, { random: () => 0 }, 60_000), 60_000, "a floor above maxMs is still honoured");
    assert.equal(retryDelay(0, { random: () => 0, maxRetryAfterMs: 120_000 }, 3_600_000), 120_000, "but clamped to maxRetryAfterMs");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 200_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, floor, r) => {
        return retryDelay(attempt, { random: () => r }, floor) >= Math.min(floor, DEFAULT_BACKOFF.maxRetryAfterMs);
      }),
    );
  });

  it("parses Retry-After as delay-seconds or an HTTP-date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(parseRetryAfter("2", now), 2000);
    assert.equal(parseRetryAfter(" 0 ", now), 0);
    assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now), 5000);
    assert.equal(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now), 0, "a date in the past means now");
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseRetryAfter("soon", now), undefined);
    assert.equal(parseRetryAfter("-3", now), undefined);
  });
});
