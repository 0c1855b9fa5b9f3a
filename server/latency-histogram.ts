import type { Registry } from "prom-client";

/**
 * Buckets (seconds) of the server-side latency histograms: 1 ms to 5 s,
 * finer around the 20–100 ms where game patches and fan-outs land.
 */
export const LATENCY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.06, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5,
];

/** What the rooms and the API get through their deps: somewhere to put one latency (seconds). */
export interface LatencyRecorder {
  observe(seconds: number): void;
}

/**
 * A label-less Prometheus histogram that records without allocating: counts
 * in a Float64Array, a linear scan of 19 bounds. prom-client's own
 * `Histogram.observe` allocates and stringifies the bound on every call
 * (~0.4 µs here), which is too much at one observation per game input (tens
 * of thousands per second). Exposed through the registry like any metric
 * (`registry.registerMetric`: prom-client reads `name`, `help`, `type` and
 * `get()`), in the standard `_bucket{le}` / `_sum` / `_count` form.
 */
export class LatencyHistogram implements LatencyRecorder {
  readonly name: string;
  readonly help: string;
  readonly type = "histogram";
  readonly aggregator = "sum";
  readonly #bounds: readonly number[];
  /** Per bucket (not cumulative); the last slot is +Inf. */
  readonly #counts: Float64Array;
  #sum = 0;
  #count = 0;

  constructor(options: { name: string; help: string; registry: Registry; buckets?: readonly number[] }) {
    this.name = options.name;
    this.help = options.help;
    this.#bounds = options.buckets ?? LATENCY_BUCKETS;
    this.#counts = new Float64Array(this.#bounds.length + 1);
    // prom-client's Registry accepts any object with this shape (it is what its own metrics expose).
    options.registry.registerMetric(this as never);
  }

  observe(seconds: number): void {
    if (!(seconds >= 0)) seconds = 0; // NaN or a clock step back
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]) i++;
    this.#counts[i]++;
    this.#sum += seconds;
    this.#count++;
  }

  get count(): number {
    return this.#count;
  }

  reset(): void {
    this.#counts.fill(0);
    this.#sum = 0;
    this.#count = 0;
  }

  /** prom-client's metric shape: cumulative buckets, then sum and count. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> }> {
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = [];
    let cumulative = 0;
    for (let i = 0; i < this.#bounds.length; i++) {
      cumulative += this.#counts[i];
      values.push({ labels: { le: this.#bounds[i] }, value: cumulative, metricName: `${this.name}_bucket` });
    }
    values.push({ labels: { le: "+Inf" }, value: this.#count, metricName: `${this.name}_bucket` });
    values.push({ labels: {}, value: this.#sum, metricName: `${this.name}_sum` });
    values.push({ labels: {}, value: this.#count, metricName: `${this.name}_count` });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
