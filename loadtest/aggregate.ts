import type { HostEvent, PartCounters, PartName, Phase, Target } from "./client-host.ts";
import { round1 } from "./gen-cpu.ts";
import { LatencySamples, type LatencySummary } from "./latency.ts";

/** One second of one part, for the timeline (charts, progress line). */
export interface PartPoint {
  connected: number;
  /** Between two connections, about to resume (SSE). */
  resuming: number;
  messages: number;
  bytes: number;
  errors: number;
  disconnects: number;
  rotations: number;
  /** Latency of the samples that arrived in this second (NaN when none). */
  p50: number;
  p99: number;
}

export interface PartReport {
  part: PartName;
  target: Target;
  /** Clients asked for. */
  clients: number;
  /** Open when the window started / at its end / at most. */
  connectedAtStart: number;
  /** When the window started, between two connections and about to resume (a stream rotated or dropped a moment ago). */
  resumingAtStart: number;
  connectedAtEnd: number;
  /** The same at the window's end: connectedAtEnd + resumingAtEnd = subscribers still there. */
  resumingAtEnd: number;
  peakConnected: number;
  latencyName: string;
  latency: LatencySummary;
  secondaryLatencyName?: string;
  secondaryLatency?: LatencySummary;
  /** Messages received in the window, all clients. */
  messages: number;
  messagesPerSecond: number;
  /** Wire bytes received in the window, all clients. */
  bytes: number;
  /** bytes / (connectedAtStart + resumingAtStart) / window seconds. */
  bytesPerClientPerSecond: number;
  /** Messages sent in the window (room inputs). */
  sent: number;
  /**
   * Over the whole run (connecting included; closes at the end are not
   * counted). Failures: `errors` (connect errors, non-2xx answers, resets)
   * and `disconnects` (open connections lost other than by a rotation).
   */
  errors: number;
  disconnects: number;
  /** SSE, whole run: streams the server ended cleanly at their lifetime (not failures). */
  rotations: number;
  /** SSE, whole run: streams opened again after one ended, with `Last-Event-ID`. */
  resumes: number;
  /** SSE, whole run: resumes answered with a snapshot (the server could not replay the missed events). */
  gaps: number;
  /** SSE, whole run: events at or before the last id seen (dropped, never counted as messages). */
  duplicates: number;
  /** Part-specific numbers (writes sent, results posted, fallbacks, observers, …). */
  details: Record<string, number>;
}

/** Counted over the whole run, not only the window. */
const RUN_COUNTERS = ["errors", "disconnects", "rotations", "resumes", "gaps", "duplicates"] as const satisfies readonly (keyof PartCounters)[];
type RunCounter = (typeof RUN_COUNTERS)[number];

const LATENCY_NAMES: Record<PartName, [string, string?]> = {
  arena: ["input→state"],
  sse: ["fan-out"],
  longpoll: ["wake-up (from POST)", "since recordedAt"],
};

/**
 * Merges the stats events of every client thread for one part: window
 * totals (events counted in the `measure` phase), whole-run failures
 * (errors, disconnects) and SSE rotations, resumes, gaps and duplicates,
 * the connected and resuming gauges (sum of each thread's latest), and a
 * per-second bucket for the timeline.
 */
export class PartAggregate {
  readonly part: PartName;
  readonly target: Target;
  readonly clients: number;
  readonly details: Record<string, number> = {};
  readonly #connected = new Map<number, number>();
  readonly #resuming = new Map<number, number>();
  readonly #ready = new Map<number, boolean>();
  readonly #window = { messages: 0, bytes: 0, sent: 0 };
  readonly #total: Record<RunCounter, number> = { errors: 0, disconnects: 0, rotations: 0, resumes: 0, gaps: 0, duplicates: 0 };
  readonly #latency = new LatencySamples();
  readonly #latency2 = new LatencySamples();
  #hasLatency2 = false;
  readonly #extra: Record<string, number> = {};
  #second = { messages: 0, bytes: 0, errors: 0, disconnects: 0, rotations: 0 };
  readonly #secondLatency = new LatencySamples(5000);
  #peakConnected = 0;
  connectedAtStart = 0;
  resumingAtStart = 0;
  readonly timeline: PartPoint[] = [];

  constructor(part: PartName, target: Target, clients: number, readonly threads: number) {
    this.part = part;
    this.target = target;
    this.clients = clients;
  }

  onStats(event: Extract<HostEvent, { type: "stats" }>): void {
    this.#connected.set(event.thread, event.connected);
    this.#resuming.set(event.thread, event.resuming);
    this.#ready.set(event.thread, event.ready);
    this.#peakConnected = Math.max(this.#peakConnected, this.connected);
    const c = event.counters;
    for (const key of RUN_COUNTERS) this.#total[key] += c[key];
    for (const [key, value] of Object.entries(event.extra)) this.#extra[key] = (this.#extra[key] ?? 0) + value;
    this.#second.messages += c.messages;
    this.#second.bytes += c.bytes;
    this.#second.errors += c.errors;
    this.#second.disconnects += c.disconnects;
    this.#second.rotations += c.rotations;
    this.#secondLatency.merge(event.latency);
    if (event.phase !== "measure") return;
    this.#window.messages += c.messages;
    this.#window.bytes += c.bytes;
    this.#window.sent += c.sent;
    this.#latency.merge(event.latency);
    if (event.latency2) {
      this.#hasLatency2 = true;
      this.#latency2.merge(event.latency2);
    }
  }

  get connected(): number {
    let sum = 0;
    for (const value of this.#connected.values()) sum += value;
    return sum;
  }

  /** Clients between two connections right now (sum of each thread's latest). */
  get resuming(): number {
    let sum = 0;
    for (const value of this.#resuming.values()) sum += value;
    return sum;
  }

  /** Every thread reported that all its clients connected or gave up. */
  get ready(): boolean {
    return this.#ready.size === this.threads && [...this.#ready.values()].every(Boolean);
  }

  /** Sum of a part-specific counter from the clients (e.g. `woken:<matchId>`), whole run. */
  extra(key: string): number {
    return this.#extra[key] ?? 0;
  }

  /** Sum of every part-specific counter whose key starts with `prefix`. */
  extraTotal(prefix: string): number {
    let sum = 0;
    for (const [key, value] of Object.entries(this.#extra)) if (key.startsWith(prefix)) sum += value;
    return sum;
  }

  /** Closes the current second: appends it to the timeline and returns it. */
  tick(): PartPoint {
    const s = this.#secondLatency.summary();
    const point: PartPoint = { connected: this.connected, resuming: this.resuming, ...this.#second, p50: round1(s.p50), p99: round1(s.p99) };
    this.timeline.push(point);
    this.#second = { messages: 0, bytes: 0, errors: 0, disconnects: 0, rotations: 0 };
    this.#secondLatency.clear();
    return point;
  }

  report(windowSeconds: number): PartReport {
    const [latencyName, secondaryName] = LATENCY_NAMES[this.part];
    const roundSummary = (s: LatencySummary): LatencySummary => ({ count: s.count, p50: round1(s.p50), p90: round1(s.p90), p99: round1(s.p99), max: round1(s.max) });
    const clientsForRate = Math.max(1, this.connectedAtStart + this.resumingAtStart);
    return {
      part: this.part,
      target: this.target,
      clients: this.clients,
      connectedAtStart: this.connectedAtStart,
      resumingAtStart: this.resumingAtStart,
      connectedAtEnd: this.connected,
      resumingAtEnd: this.resuming,
      peakConnected: this.#peakConnected,
      latencyName,
      latency: roundSummary(this.#latency.summary()),
      ...(secondaryName && this.#hasLatency2 ? { secondaryLatencyName: secondaryName, secondaryLatency: roundSummary(this.#latency2.summary()) } : {}),
      messages: this.#window.messages,
      messagesPerSecond: round1(this.#window.messages / windowSeconds),
      bytes: this.#window.bytes,
      bytesPerClientPerSecond: round1(this.#window.bytes / clientsForRate / windowSeconds),
      sent: this.#window.sent,
      ...this.#total,
      details: { ...this.details, ...Object.fromEntries(Object.entries(this.#extra).filter(([key]) => !key.includes(":"))) },
    };
  }
}

export type { Phase };
