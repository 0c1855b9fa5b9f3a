/** Latency samples (ms) with exact percentiles; bounded by reservoir sampling. */
export class LatencySamples {
  readonly #samples: number[] = [];
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

  summary(): { count: number; p50: number; p90: number; p99: number; max: number } {
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
    return { count: this.#seen, p50: at(50), p90: at(90), p99: at(99), max: sorted.at(-1) ?? NaN };
  }
}
