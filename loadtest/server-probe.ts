import { procStats } from "./spawn-server.ts";
import { parseHistograms, SERVER_LATENCY_METRIC, type HistogramReading } from "./server-latency.ts";

/** One reading of the server process. Fields are missing when the source does not have them. */
export interface ServerSample {
  /** performance.now() of the reading (ms). */
  at: number;
  cpuSeconds?: number;
  rssBytes?: number;
  /** V8 heap in use (prom-client's nodejs_heap_size_used_bytes), when the server exposes /metrics. */
  heapUsedBytes?: number;
  /**
   * The server's event-loop delay since the previous /metrics read (prom-client
   * resets its histogram on every collect; 20 ms resolution): p99 and max, ms.
   */
  loopDelayP99Ms?: number;
  loopDelayMaxMs?: number;
  /** The server-side latency histograms (server-latency.ts), when /metrics was read. */
  histograms?: Record<string, HistogramReading>;
}

/**
 * Reads the server's CPU time and memory: from `/proc/<pid>` when the load
 * generator started the server itself, from its Prometheus `/metrics`
 * (process_cpu_seconds_total, process_resident_memory_bytes,
 * nodejs_heap_size_used_bytes) when it is remote (`--url`). A local server
 * with `/metrics` (ours, not the naive baselines) also gives its heap and
 * event-loop delay, read only when asked (`heap: true`), since collecting the
 * default metrics costs the server a little CPU.
 */
export class ServerProbe {
  readonly local: boolean;
  /** Why the last /metrics read failed (for the report's notes). */
  lastError?: string;
  readonly #pid?: number;
  readonly #metricsUrl?: string;

  constructor(options: { pid?: number; metricsUrl?: string }) {
    this.#pid = options.pid;
    this.#metricsUrl = options.metricsUrl;
    this.local = options.pid !== undefined;
  }

  /** Whether anything can be read at all. */
  get available(): boolean {
    return this.#pid !== undefined || this.#metricsUrl !== undefined;
  }

  async sample(options: { heap?: boolean } = {}): Promise<ServerSample> {
    const at = performance.now();
    if (this.#pid !== undefined) {
      const proc = procStats(this.#pid);
      const sample: ServerSample = { at, cpuSeconds: proc?.cpuSeconds, rssBytes: proc?.rssBytes };
      if (options.heap && this.#metricsUrl) {
        const metrics = await this.#metrics();
        sample.heapUsedBytes = metrics?.heapUsedBytes;
        sample.loopDelayP99Ms = metrics?.loopDelayP99Ms;
        sample.loopDelayMaxMs = metrics?.loopDelayMaxMs;
        sample.histograms = metrics?.histograms;
      }
      return sample;
    }
    const metrics = await this.#metrics();
    return { at, ...metrics };
  }

  async #metrics(): Promise<Omit<ServerSample, "at"> | undefined> {
    if (!this.#metricsUrl) return undefined;
    try {
      // Generous: on a saturated machine a scrape can take seconds, and the window needs both ends.
      const response = await fetch(this.#metricsUrl, { signal: AbortSignal.timeout(15_000) });
      if (!response.ok) {
        await response.arrayBuffer();
        this.lastError = `HTTP ${response.status}`;
        return undefined;
      }
      return parseProcessMetrics(await response.text());
    } catch (error) {
      this.lastError = String((error as Error)?.cause ?? (error as Error)?.message ?? error);
      return undefined;
    }
  }
}

/** The process gauges of a Prometheus text exposition (prom-client's default metrics). */
export function parseProcessMetrics(text: string): Omit<ServerSample, "at"> {
  const value = (name: string): number | undefined => {
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)`, "m").exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : Math.round(seconds * 10_000) / 10);
  return {
    cpuSeconds: value("process_cpu_seconds_total"),
    rssBytes: value("process_resident_memory_bytes"),
    heapUsedBytes: value("nodejs_heap_size_used_bytes"),
    loopDelayP99Ms: ms(value("nodejs_eventloop_lag_p99_seconds")),
    loopDelayMaxMs: ms(value("nodejs_eventloop_lag_max_seconds")),
    histograms: parseHistograms(text, Object.values(SERVER_LATENCY_METRIC)),
  };
}

/** Server CPU over two readings, % of one core (undefined without CPU in both). */
export function cpuPercentBetween(a: ServerSample | undefined, b: ServerSample | undefined): number | undefined {
  if (a?.cpuSeconds === undefined || b?.cpuSeconds === undefined || b.at <= a.at) return undefined;
  return ((b.cpuSeconds - a.cpuSeconds) / ((b.at - a.at) / 1000)) * 100;
}
