/** A latency distribution as numbers (ms). */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** What `LatencySamples.toJSON()` gives: plain data that crosses a worker boundary (structured clone) or a JSON file. */
export interface LatencyData {
  capacity: number;
  /** Values added in all (≥ samples.length once the reservoir is full). */
  seen: number;
  samples: number[];
}

/**
 * Latency samples (ms) with exact percentiles; bounded by reservoir
 * sampling. Serialisable (`toJSON` / `LatencySamples.from`) and mergeable
 * (`merge`), so each load-generator thread keeps its own and the main
 * thread combines them into one distribution.
 */
export class LatencySamples {
  #samples: number[] = [];
  #seen = 0;
  constructor(readonly capacity = 200_000) {}

  add(ms: number): void {
    this.#seen++;
    if (this.#samples.length < this.capacity) this.#samples.push(ms);
    else {
      const slot = Math.floor(Math.random() * this.#seen);
      if (slot < this.capacity) this.#samples[slot] = ms;
    }
  }

  get count(): number {
    return this.#seen;
  }

  percentile(p: number): number {
    if (this.#samples.length === 0) return NaN;
    const sorted = [...this.#samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  }

  summary(): LatencySummary {
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
    return { count: this.#seen, p50: at(50), p90: at(90), p99: at(99), max: sorted.at(-1) ?? NaN };
  }

  /** Forgets everything (a per-interval bucket is reused this way). */
  clear(): void {
    this.#samples = [];
    this.#seen = 0;
  }

  toJSON(): LatencyData {
    return { capacity: this.capacity, seen: this.#seen, samples: this.#samples.slice() };
  }

  static from(data: LatencyData, capacity = data.capacity): LatencySamples {
    return new LatencySamples(capacity).merge(data);
  }

  /**
   * Adds another distribution to this one. Each source is a uniform sample
   * of what it saw (`samples.length` of `seen`); the result keeps one
   * sampling rate for both — the lowest either can support, and no more than
   * the capacity allows — so a source that saw 10× more values weighs 10×
   * more, whichever thread's reservoir filled up first.
   */
  merge(other: LatencySamples | LatencyData): this {
    const data = other instanceof LatencySamples ? other.toJSON() : other;
    if (data.seen === 0) return this;
    const totalSeen = this.#seen + data.seen;
    const rates = [1, this.capacity / totalSeen, data.samples.length / data.seen];
    if (this.#seen > 0) rates.push(this.#samples.length / this.#seen);
    const rate = Math.min(...rates);
    // Thin this one in place (swap-remove of random slots: O(removed), not O(kept)).
    const keep = Math.min(this.#samples.length, Math.round(rate * this.#seen));
    while (this.#samples.length > keep) {
      const slot = Math.floor(Math.random() * this.#samples.length);
      this.#samples[slot] = this.#samples[this.#samples.length - 1];
      this.#samples.pop();
    }
    const take = Math.min(data.samples.length, Math.round(rate * data.seen), this.capacity - this.#samples.length);
    for (const value of take < data.samples.length ? pick(data.samples, take) : data.samples) this.#samples.push(value);
    this.#seen = totalSeen;
    return this;
  }
}

/** `k` values of `values` chosen uniformly (all of them, in order, when k ≥ length). */
function pick(values: number[], k: number): number[] {
  if (k >= values.length) return values.slice();
  const copy = values.slice();
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(Math.random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, k);
}
