import { setPriority } from "node:os";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { ClientHost, type ClientTask, type HostCommand, type HostEvent, type PartContext, type PartRunner, type PartSink } from "./client-host.ts";
import { startArenaClients } from "./scenarios/arena.ts";
import { startLongPollClients } from "./scenarios/longpoll.ts";
import { startSseClients } from "./scenarios/sse.ts";

/** The client side of every scenario, by part. */
export function startPart(task: ClientTask, sink: PartSink, context: PartContext): PartRunner {
  switch (task.part) {
    case "arena":
      return startArenaClients(task, sink, context);
    case "sse":
      return startSseClients(task, sink, context);
    case "longpoll":
      return startLongPollClients(task, sink, context);
  }
}

/**
 * The load generator's client threads. `count` 1: one ClientHost in the
 * main thread (everything in one event loop, as before `--workers`).
 * `count` W ≥ 2: W worker_threads, each a ClientHost with its share of the
 * clients; the main thread keeps the writer side and the aggregation.
 * Commands and events are the same plain objects either way.
 */
export class ClientThreads {
  readonly count: number;
  readonly #hosts: ((command: HostCommand) => void)[] = [];
  readonly #workers: Worker[] = [];
  readonly #stopped = new Set<number>();
  #onStopped?: () => void;

  /**
   * `nice` (0–19, worker threads only): each worker thread lowers its own
   * scheduling priority to it (Linux nice is per thread: the main thread, and
   * the servers, Redis and naive baselines it spawns, keep theirs), so that on
   * a machine shared with the generator the server gets a core first.
   */
  constructor(count: number, onEvent: (event: HostEvent) => void, { nice }: { nice?: number } = {}) {
    this.count = Math.max(1, Math.floor(count));
    const handle = (event: HostEvent) => {
      if (event.type === "stopped") {
        this.#stopped.add(event.thread);
        if (this.#stopped.size === this.count) this.#onStopped?.();
      }
      onEvent(event);
    };
    if (this.count === 1) {
      const host = new ClientHost({ thread: 0, name: "main", emit: handle, factory: startPart });
      this.#hosts.push((command) => host.handle(command));
      return;
    }
    for (let thread = 0; thread < this.count; thread++) {
      // The worker inherits process.execArgv (`--import tsx`), so it runs this .ts file as the main thread does.
      const worker = new Worker(new URL(import.meta.url), { workerData: { loadtestClientHost: thread, nice } });
      worker.on("message", (event: HostEvent) => handle(event));
      worker.on("error", (error) => handle({ type: "fatal", thread, message: error.stack ?? error.message }));
      worker.on("exit", () => {
        if (!this.#stopped.has(thread)) handle({ type: "stopped", thread });
      });
      this.#workers.push(worker);
      this.#hosts.push((command) => worker.postMessage(command));
    }
  }

  /** The clients run in the main thread (no workers). */
  get inProcess(): boolean {
    return this.count === 1;
  }

  send(thread: number, command: HostCommand): void {
    this.#hosts[thread]?.(command);
  }

  broadcast(command: HostCommand): void {
    for (const host of this.#hosts) host(command);
  }

  /** Stops every client (each host closes its clients and sends its last stats), then ends the workers. */
  async stop(timeoutMs = 20_000): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      this.#onStopped = resolve;
      if (this.#stopped.size === this.count) resolve();
    });
    this.broadcast({ type: "stop" });
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
    // Idle keep-alive sockets would keep a worker alive: end it.
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }
}

if (!isMainThread && typeof workerData?.loadtestClientHost === "number") {
  const thread = workerData.loadtestClientHost as number;
  // Priority 0 is the calling thread: on Linux this thread alone.
  if (typeof workerData.nice === "number" && workerData.nice > 0) setPriority(workerData.nice);
  const host = new ClientHost({ thread, name: `worker-${thread}`, emit: (event) => parentPort!.postMessage(event), factory: startPart });
  parentPort!.on("message", (command: HostCommand) => host.handle(command));
}
