import { ThreadMonitor } from "./gen-cpu.ts";
import type { ClientTask, HostCommand, HostEvent, Phase } from "./host-protocol.ts";
import { PartSink } from "./part-sink.ts";

/**
 * The client side of a load test, run the same way in the main thread
 * (`--workers 1`) or in each worker thread (`--workers W`): a ClientHost
 * gets tasks (its share of a scenario's clients), runs them, and reports
 * counters and latency samples every FLUSH_MS as plain data that the main
 * thread merges (aggregate.ts). Only the main thread talks to the server's
 * admin side (score writes, result posts) and reads its CPU/RSS.
 */

export type * from "./host-protocol.ts";
export { PartSink } from "./part-sink.ts";

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

/** How often a host sends each part's counters to the main thread. */
const FLUSH_MS = 250;
/** Clients that have not closed this long after `stop` are left behind (the host reports it stopped anyway). */
const STOP_TIMEOUT_MS = 10_000;

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
    await Promise.race([Promise.allSettled(this.#parts.map(({ runner }) => runner.stop())), new Promise((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS))]);
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
