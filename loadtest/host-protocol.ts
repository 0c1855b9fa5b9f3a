import type { ThreadStats } from "./gen-cpu.ts";
import type { LatencyData } from "./latency.ts";

/**
 * The messages between the main thread and its client hosts (client-host.ts),
 * the same plain objects whether a host runs in the main thread or in a
 * worker thread: the tasks (each part's share of clients) and commands going
 * out, the statistics coming back.
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

