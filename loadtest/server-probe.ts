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
  /** A deployment of several processes: each one's own reading (the fields above are their sums). */
  members?: (Omit<ServerSample, "at" | "members"> & { name: string })[];
}

/** One server process to read: its pid (local) and/or its /metrics URL. */
export interface ProbeMember {
  /** What the report calls it (several processes). */
  name?: string;
  pid?: number;
  metricsUrl?: string;
}

/**
 * Reads the server's CPU time and memory: from `/proc/<pid>` when the load
 * generator started the server itself, from its Prometheus `/metrics`
 * (process_cpu_seconds_total, process_resident_memory_bytes,
 * nodejs_heap_size_used_bytes) when it is remote (`--url`). A local server
 * with `/metrics` (ours, not the naive baselines) also gives its heap and
 * event-loop delay, read only when asked (`heap: true`), since collecting the
 * default metrics costs the server a little CPU. A deployment of several
 * processes (`--topology split`) is read as one server: CPU, memory and the
 * latency histograms summed, the event-loop delay the worst of them.
 */
export class ServerProbe {
  readonly local: boolean;
  /** Why the last /metrics read failed (for the report's notes). */
  lastError?: string;
  readonly #members: ProbeMember[];

  constructor(members: ProbeMember[]) {
    this.#members = members;
    this.local = this.#members.length > 0 && this.#members.every((member) => member.pid !== undefined);
  }

  /** Whether anything can be read at all. */
  get available(): boolean {
    return this.#members.some((member) => member.pid !== undefined || member.metricsUrl !== undefined);
  }

  async sample(options: { heap?: boolean } = {}): Promise<ServerSample> {
    const at = performance.now();
    const samples = await Promise.all(this.#members.map((member) => this.#sampleOne(member, options)));
    if (samples.length === 1) return { at, ...samples[0] };
    return { at, ...combineSamples(samples), members: samples.map((sample, i) => ({ ...sample, name: this.#members[i]!.name ?? `process ${i + 1}` })) };
  }

  async #sampleOne(member: ProbeMember, options: { heap?: boolean }): Promise<Omit<ServerSample, "at">> {
    if (member.pid !== undefined) {
      const proc = procStats(member.pid);
      const sample: Omit<ServerSample, "at"> = { cpuSeconds: proc?.cpuSeconds, rssBytes: proc?.rssBytes };
      if (options.heap && member.metricsUrl) {
        const metrics = await this.#metrics(member.metricsUrl);
        sample.heapUsedBytes = metrics?.heapUsedBytes;
        sample.loopDelayP99Ms = metrics?.loopDelayP99Ms;
        sample.loopDelayMaxMs = metrics?.loopDelayMaxMs;
        sample.histograms = metrics?.histograms;
      }
      return sample;
    }
    return (await this.#metrics(member.metricsUrl)) ?? {};
  }

  async #metrics(metricsUrl: string | undefined): Promise<Omit<ServerSample, "at"> | undefined> {
    if (!metricsUrl) return undefined;
    try {
      // Generous: on a saturated machine a scrape can take seconds, and the window needs both ends.
      const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(15_000) });
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

/**
 * Several processes' readings as one: sums of CPU, RSS and heap (undefined
 * if any process lacks it), the worst event-loop delay, and each latency
 * histogram summed bucket by bucket (the same buckets on every process;
 * missing if any process could not be read).
 */
export function combineSamples(samples: Omit<ServerSample, "at">[]): Omit<ServerSample, "at"> {
  const sum = (key: "cpuSeconds" | "rssBytes" | "heapUsedBytes") => (samples.every((s) => s[key] !== undefined) ? samples.reduce((n, s) => n + s[key]!, 0) : undefined);
  const max = (key: "loopDelayP99Ms" | "loopDelayMaxMs") => (samples.some((s) => s[key] !== undefined) ? Math.max(...samples.map((s) => s[key] ?? 0)) : undefined);
  let histograms: Record<string, HistogramReading> | undefined;
  if (samples.every((s) => s.histograms)) {
    histograms = {};
    for (const name of new Set(samples.flatMap((s) => Object.keys(s.histograms!)))) {
      const readings = samples.map((s) => s.histograms![name]).filter((h): h is HistogramReading => h !== undefined);
      const first = readings[0]!;
      histograms[name] = {
        bounds: first.bounds,
        cumulative: first.bounds.map((_, i) => readings.reduce((n, h) => n + (h.cumulative[i] ?? 0), 0)),
        sum: readings.reduce((n, h) => n + h.sum, 0),
        count: readings.reduce((n, h) => n + h.count, 0),
      };
    }
  }
  return { cpuSeconds: sum("cpuSeconds"), rssBytes: sum("rssBytes"), heapUsedBytes: sum("heapUsedBytes"), loopDelayP99Ms: max("loopDelayP99Ms"), loopDelayMaxMs: max("loopDelayMaxMs"), histograms };
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
export function cpuPercentBetween(a: Pick<ServerSample, "at" | "cpuSeconds"> | undefined, b: Pick<ServerSample, "at" | "cpuSeconds"> | undefined): number | undefined {
  if (a?.cpuSeconds === undefined || b?.cpuSeconds === undefined || b.at <= a.at) return undefined;
  return ((b.cpuSeconds - a.cpuSeconds) / ((b.at - a.at) / 1000)) * 100;
}
