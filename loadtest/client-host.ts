import { ThreadMonitor, type ThreadStats } from "./gen-cpu.ts";
import { LatencySamples, type LatencyData } from "./latency.ts";
import type { WireCounter } from "./wire.ts";

/**
 * The client side of a load test, run the same way in the main thread
 * (`--workers 1`) or in each worker thread (`--workers W`): a ClientHost
 * gets tasks (its share of a scenario's clients), runs them, and reports
 * counters and latency samples every FLUSH_MS as plain data that the main
 * thread merges (aggregate.ts). Only the main thread talks to the server's
 * admin side (score writes, result posts) and reads its CPU/RSS.
 */
export type PartName = "arena" | "sse" | "longpoll";
export type Target = "ours" | "naive";
/** connect: clients joining (ramp); measure: the window the report is about; drain: writers stopped, last events landing. */
export type Phase = "connect" | "measure" | "drain";

export interface ArenaRoomPlan {
  room: number;
  /** Global index of the room's first bot (it creates the room; the others join it by id). */
  firstBot: number;
  size: number;
}

export interface ArenaClientTask {
  part: "arena";
  url: string;
  rooms: ArenaRoomPlan[];
  /** All bots of the run (for the ramp's spacing). */
  totalClients: number;
  /** Inputs per second per bot. */
  rate: number;
  /** Only bots with index % observeEvery === 0 decode patches and measure input→state. */
  observeEvery: number;
  teamSize: number;
  matchSeconds: number;
}

export interface SseClientTask {
  part: "sse";
  target: Target;
  url: string;
  boardId: string;
  top: number;
  /** Only subscribers with index % observeEvery === 0 run the SDK subscription (ours) or parse events (naive) and measure. */
  observeEvery: number;
  /** Global index of this thread's first subscriber. */
  first: number;
  count: number;
  totalClients: number;
}

export interface LongPollClientTask {
  part: "longpoll";
  target: Target;
  url: string;
  /** Ours: only followers with index % observeEvery === 0 use the SDK's feed; the others raw fetch loops on it (all measure). */
  observeEvery: number;
  first: number;
  count: number;
  totalClients: number;
}

export type ClientTask = ArenaClientTask | SseClientTask | LongPollClientTask;

/** Main → host. */
export type HostCommand =
  /** `startAt` (epoch ms) and `rampMs`: client i of N starts at startAt + i × rampMs / N. */
  | { type: "start"; tasks: ClientTask[]; startAt: number; rampMs: number }
  | { type: "phase"; phase: Phase }
  | { type: "control"; part: PartName; payload: unknown }
  | { type: "stop" };

export interface PartCounters {
  /** Application messages received (room frames, SSE events, long-poll results). */
  messages: number;
  /** Wire bytes received (WebSocket frames with headers; HTTP body bytes). */
  bytes: number;
  /** Messages sent (room inputs). */
  sent: number;
  /** Failures: connect errors, non-2xx answers, broken or reset connections. */
  errors: number;
  /** Open connections lost other than by a stream rotation (a reset, a dropped socket, a missed heartbeat). */
  disconnects: number;
  /** SSE: streams the server ended cleanly (its STREAM_LIFETIME_MS rotation): not failures; the reader resumes. */
  rotations: number;
  /** SSE: streams opened again after one ended (rotation or failure), with `Last-Event-ID` when an id was seen. */
  resumes: number;
  /** SSE: resumes the server answered with a snapshot (it could not replay what was missed). */
  gaps: number;
  /** SSE: events whose id was not past the last one seen (never counted as messages). */
  duplicates: number;
}

/** Host → main. */
export type HostEvent =
  | {
      type: "stats";
      thread: number;
      part: PartName;
      /** The phase these deltas were counted in (the host's view: exact at phase boundaries). */
      phase: Phase;
      /** Clients open right now (a gauge, not a delta). */
      connected: number;
      /** Clients between two connections, about to resume (a gauge). */
      resuming: number;
      /** Every client has connected or given up. */
      ready: boolean;
      counters: PartCounters;
      latency: LatencyData;
      latency2?: LatencyData;
      extra: Record<string, number>;
    }
  | { type: "thread"; thread: number; stats: ThreadStats }
  | { type: "stopped"; thread: number }
  | { type: "fatal"; thread: number; message: string };

/** Where a part's clients count things; drained into a `stats` event every FLUSH_MS. */
export class PartSink implements WireCounter, PartCounters {
  messages = 0;
  bytes = 0;
  frames = 0;
  sent = 0;
  errors = 0;
  disconnects = 0;
  rotations = 0;
  resumes = 0;
  gaps = 0;
  duplicates = 0;
  connected = 0;
  resuming = 0;
  ready = false;
  /** The part's latency (input→state, fan-out, wake-up). */
  latency = new LatencySamples(50_000);
  /** A second latency where the part has one (long-poll: since the server's recordedAt). */
  latency2?: LatencySamples;
  extra: Record<string, number> = {};

  constructor(
    readonly part: PartName,
    /** arena: every received WebSocket frame is a message. */
    readonly framesAreMessages = false,
  ) {}

  count(key: string, by = 1): void {
    this.extra[key] = (this.extra[key] ?? 0) + by;
  }

  /** Counts an error, and its kind as `errors.<where>.<code>` (SDK error code, Node error code, or name) for the report. */
  fail(where: string, error?: unknown): void {
    this.errors++;
    const e = error as { code?: unknown; name?: unknown; cause?: { code?: unknown } } | undefined;
    const kind = typeof e?.code === "string" ? e.code : typeof e?.cause?.code === "string" ? e.cause.code : typeof e?.name === "string" ? e.name : "unknown";
    this.count(`errors.${where}.${kind}`);
  }

  drain(thread: number, phase: Phase): Extract<HostEvent, { type: "stats" }> {
    const event: Extract<HostEvent, { type: "stats" }> = {
      type: "stats",
      thread,
      part: this.part,
      phase,
      connected: this.connected,
      resuming: this.resuming,
      ready: this.ready,
      counters: {
        messages: this.framesAreMessages ? this.frames : this.messages,
        bytes: this.bytes,
        sent: this.sent,
        errors: this.errors,
        disconnects: this.disconnects,
        rotations: this.rotations,
        resumes: this.resumes,
        gaps: this.gaps,
        duplicates: this.duplicates,
      },
      latency: this.latency.toJSON(),
      latency2: this.latency2?.toJSON(),
      extra: this.extra,
    };
    this.messages = this.bytes = this.frames = this.sent = this.errors = this.disconnects = 0;
    this.rotations = this.resumes = this.gaps = this.duplicates = 0;
    this.latency.clear();
    this.latency2?.clear();
    this.extra = {};
    return event;
  }
}

export interface PartRunner {
  /** Main-thread messages for this part (long-poll: when each result was posted). */
  control?(payload: unknown): void;
  /** Closes every client; resolves once they are closed (or gave up). */
  stop(): Promise<void>;
}

export interface PartContext {
  /** When client `index` (global, 0-based) should start (epoch ms). */
  startTime(index: number, total: number): number;
  /** Whether stop() was called (closes after it are neither disconnects nor rotations). */
  readonly stopping: boolean;
}

export type PartFactory = (task: ClientTask, sink: PartSink, context: PartContext) => PartRunner;

const FLUSH_MS = 250;

export class ClientHost {
  readonly #thread: number;
  readonly #name: string;
  readonly #emit: (event: HostEvent) => void;
  readonly #factory: PartFactory;
  readonly #parts: { sink: PartSink; runner: PartRunner }[] = [];
  #phase: Phase = "connect";
  #flushTimer?: NodeJS.Timeout;
  #monitor?: ThreadMonitor;
  #stopping = false;

  constructor(options: { thread: number; name: string; emit: (event: HostEvent) => void; factory: PartFactory }) {
    this.#thread = options.thread;
    this.#name = options.name;
    this.#emit = options.emit;
    this.#factory = options.factory;
  }

  handle(command: HostCommand): void {
    try {
      switch (command.type) {
        case "start":
          return this.#start(command);
        case "phase":
          this.#flush();
          this.#phase = command.phase;
          if (command.phase === "measure") this.#monitor = new ThreadMonitor(this.#name);
          if (command.phase === "drain") this.#finishMonitor();
          return;
        case "control":
          for (const { sink, runner } of this.#parts) if (sink.part === command.part) runner.control?.(command.payload);
          return;
        case "stop":
          void this.#stop();
          return;
      }
    } catch (error) {
      this.#emit({ type: "fatal", thread: this.#thread, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  }

  #start(command: Extract<HostCommand, { type: "start" }>): void {
    const host = this;
    const context: PartContext = {
      startTime: (index, total) => command.startAt + (command.rampMs > 0 && total > 0 ? (index * command.rampMs) / total : 0),
      get stopping() {
        return host.#stopping;
      },
    };
    for (const task of command.tasks) {
      const sink = new PartSink(task.part, task.part === "arena");
      this.#parts.push({ sink, runner: this.#factory(task, sink, context) });
    }
    this.#flushTimer = setInterval(() => this.#flush(), FLUSH_MS);
  }

  #flush(): void {
    for (const { sink } of this.#parts) this.#emit(sink.drain(this.#thread, this.#phase));
  }

  #finishMonitor(): void {
    if (!this.#monitor) return;
    this.#emit({ type: "thread", thread: this.#thread, stats: this.#monitor.finish() });
    this.#monitor = undefined;
  }

  async #stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#finishMonitor();
    await Promise.race([Promise.allSettled(this.#parts.map(({ runner }) => runner.stop())), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    clearInterval(this.#flushTimer);
    this.#flush();
    this.#emit({ type: "stopped", thread: this.#thread });
  }
}

/** Splits `count` items into `parts` contiguous ranges, as even as possible. */
export function splitRange(count: number, parts: number): { first: number; count: number }[] {
  const ranges: { first: number; count: number }[] = [];
  let first = 0;
  for (let i = 0; i < parts; i++) {
    const size = Math.floor(count / parts) + (i < count % parts ? 1 : 0);
    ranges.push({ first, count: size });
    first += size;
  }
  return ranges;
}

/** Wall-clock ms with sub-ms precision, comparable across worker threads (each has its own timeOrigin). */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** Resolves at `epochMs` (at once if it has passed). */
export const sleepUntil = (epochMs: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now())));
