import type { PartName, Phase } from "./client-host.ts";
import type { PartPoint } from "./aggregate.ts";
import { mb, optionalRound } from "./measures.ts";
import type { MemoryPoint, TimelinePoint } from "./run-report.ts";
import { cpuPercentBetween, type ServerProbe, type ServerSample } from "./server-probe.ts";

/** Before the idle reading, let a freshly spawned server settle (its start-up work done). */
export const IDLE_SETTLE_MS = 500;
/** One timeline point this often. */
export const TIMELINE_EVERY_MS = 1000;
/** After the clients left, wait this long before the "after" memory sample (closed sockets reach the server, timers clear). */
export const AFTER_SETTLE_MS = 3000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ServerWatchOptions {
  /** Memory points carry the heap (a server with /metrics). */
  heap: boolean;
  /** A memory point this often (besides idle, the window's end and after). */
  memoryEverySeconds?: number;
  /** Each part's second, for the timeline point. */
  parts?: () => Partial<Record<PartName, PartPoint>>;
  /** Called with every timeline point (the progress line). */
  onPoint?: (point: TimelinePoint) => void;
}

/**
 * Watches the server through a run: the idle reading, then one timeline
 * point a second (server CPU and RSS, each part's second from `parts`) and,
 * with `memoryEverySeconds`, a memory point that often. The run sets `phase`
 * as it moves on; every point carries it.
 */
export class ServerWatch {
  readonly timeline: TimelinePoint[] = [];
  readonly memory: MemoryPoint[] = [];
  phase: Phase = "connect";
  readonly #probe: ServerProbe;
  readonly #options: ServerWatchOptions;
  readonly #intervals: NodeJS.Timeout[] = [];
  #startedAt = performance.now();
  #last?: ServerSample;
  #peakRssBytes = 0;

  constructor(probe: ServerProbe, options: ServerWatchOptions) {
    this.#probe = probe;
    this.#options = options;
  }

  /** After IDLE_SETTLE_MS, the server before any client: the "idle" memory point. */
  async idle(): Promise<ServerSample> {
    await sleep(IDLE_SETTLE_MS);
    const sample = await this.#probe.sample({ heap: this.#options.heap });
    this.#last = sample;
    this.#peakRssBytes = sample.rssBytes ?? 0;
    this.memory.push(this.#memoryPoint(0, "idle", sample));
    return sample;
  }

  /** Starts the clock (t = 0: the clients start connecting) and the points. */
  start(): void {
    this.#startedAt = performance.now();
    this.#intervals.push(setInterval(() => void this.#timelinePoint(), TIMELINE_EVERY_MS));
    const every = this.#options.memoryEverySeconds;
    if (every) this.#intervals.push(setInterval(() => void this.#probe.sample({ heap: this.#options.heap }).then((s) => this.record(this.phase, s)), every * 1000));
  }

  /** Seconds since `start()`. */
  elapsed(): number {
    return (performance.now() - this.#startedAt) / 1000;
  }

  get peakRssBytes(): number {
    return this.#peakRssBytes;
  }

  /** Adds a memory point for `sample` at the current time. */
  record(phase: MemoryPoint["phase"], sample: ServerSample): void {
    this.memory.push(this.#memoryPoint(Math.round(this.elapsed()), phase, sample));
  }

  stop(): void {
    for (const interval of this.#intervals) clearInterval(interval);
    this.#intervals.length = 0;
  }

  async #timelinePoint(): Promise<void> {
    const sample = await this.#probe.sample();
    const point: TimelinePoint = {
      t: Math.round(this.elapsed()),
      phase: this.phase,
      serverCpuPercent: optionalRound(cpuPercentBetween(this.#last, sample)),
      serverRssMB: mb(sample.rssBytes),
      parts: this.#options.parts?.() ?? {},
    };
    this.#last = sample;
    this.#peakRssBytes = Math.max(this.#peakRssBytes, sample.rssBytes ?? 0);
    this.timeline.push(point);
    this.#options.onPoint?.(point);
  }

  #memoryPoint(t: number, phase: MemoryPoint["phase"], sample: ServerSample): MemoryPoint {
    return this.#options.heap ? { t, phase, rssMB: mb(sample.rssBytes), heapUsedMB: mb(sample.heapUsedBytes) } : { t, phase, rssMB: mb(sample.rssBytes) };
  }
}

/** How often the window reads the server's event-loop delay from /metrics (each read resets prom-client's histogram). */
export const LOOP_DELAY_SAMPLE_MS = 2000;

/**
 * The server's own event-loop delay over the window (ours: /metrics), to
 * tell its queueing from the generator's: a latency far above it is the
 * generator's.
 */
export class LoopDelaySampler {
  readonly delays: { p99: number; max: number }[] = [];
  readonly #probe: ServerProbe;
  readonly #inWindow: () => boolean;
  #timer?: NodeJS.Timeout;

  constructor(probe: ServerProbe, inWindow: () => boolean) {
    this.#probe = probe;
    this.#inWindow = inWindow;
  }

  start(): void {
    this.#timer = setInterval(() => void this.#probe.sample({ heap: true }).then((sample) => this.#inWindow() && this.record(sample)), LOOP_DELAY_SAMPLE_MS);
  }

  record(sample: ServerSample): void {
    if (sample.loopDelayP99Ms !== undefined) this.delays.push({ p99: sample.loopDelayP99Ms, max: sample.loopDelayMaxMs ?? sample.loopDelayP99Ms });
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
