import type { PartPoint, PartReport } from "./aggregate.ts";
import type { PartName, Phase, Target } from "./client-host.ts";
import type { ThreadStats } from "./gen-cpu.ts";
import type { ServerLatency } from "./server-latency.ts";

/** What a load-test run is asked to do (RunOptions) and what it reports (RunReport): the JSON of `--json`. */

export type Scenario = "arena" | "sse" | "longpoll" | "mixed";
export const SCENARIOS: Scenario[] = ["arena", "sse", "longpoll", "mixed"];

export type Topology = "one" | "api" | "split";
export const TOPOLOGIES: Topology[] = ["one", "api", "split"];

export interface RunOptions {
  scenario: Scenario;
  target: Target;
  /** A running server (ours) instead of spawning one; CPU/RSS then come from its /metrics. */
  url?: string;
  /**
   * With `url`: the `/metrics` of every process of that deployment (default:
   * `url`'s own), read and summed as one server, e.g. the api process the
   * clients talk to and the room process their seats send them to.
   */
  metricsUrls?: string[];
  adminKey?: string;
  /** Players (arena, mixed). */
  arena?: { clients: number; rooms: number; rate: number; observeEvery: number };
  /** Subscribers and score changes per second (sse, mixed). */
  sse?: { clients: number; rate: number; top: number; observeEvery: number };
  /** Parked polls; `rounds` results (solo) or one result every `intervalMs` for the window (mixed). */
  longpoll?: { clients: number; rounds: number; intervalMs: number; observeEvery: number };
  /** The measured window (arena, sse, mixed; longpoll solo runs `rounds`). */
  durationSeconds: number;
  /** Connections spread over this long. */
  rampSeconds: number;
  workers: number;
  /**
   * Nice value (1–19) of the client worker threads (ours, `workers` ≥ 2):
   * on one machine, the server(s) the tool starts, Redis and the main thread
   * keep their priority, so the server-side figures are less the server
   * waiting for a core the generator holds.
   */
  generatorNice?: number;
  /** Server RSS (and heap) every S seconds into `memory`. */
  memoryEverySeconds?: number;
  /**
   * Extra environment of the spawned server (ours or the naive one), e.g.
   * `STREAM_LIFETIME_MS` to make streams rotate within a short run; it wins
   * over the tool's own settings.
   */
  serverEnv?: Record<string, string>;
  /**
   * How ours is deployed when the tool starts it (docs/operations.md "Process roles"):
   * `one` (default): one process, embedded mode; `api`: one PROCESS_ROLE=api
   * process on a private redis-server (streams and polls; no rooms);
   * `split`: a room process (PROCESS_ROLE=all) for the arena players and an
   * api process for SSE and long polls, on a private redis-server. CPU, RSS
   * and the server-side histograms are the processes' sums.
   */
  topology?: Topology;
  /** Write a V8 CPU profile of the spawned server (ours or naive) into this directory (`node --cpu-prof`). */
  cpuProfDir?: string;
  /** Called every second with the live progress line. */
  onProgress?: (line: string) => void;
}

export interface TimelinePoint {
  /** Seconds since the clients started connecting. */
  t: number;
  phase: Phase;
  serverCpuPercent?: number;
  serverRssMB?: number;
  parts: Partial<Record<PartName, PartPoint>>;
}

export interface MemoryPoint {
  t: number;
  phase: Phase | "idle" | "after";
  rssMB?: number;
  heapUsedMB?: number;
}

export interface ServerReport {
  /** Where the numbers come from. */
  source: "proc" | "metrics";
  cpuPercentOfOneCore?: number;
  idleRssMB?: number;
  loadRssMB?: number;
  peakRssMB?: number;
  /** A few seconds after every client left (heap: before V8's next full GC, so garbage may still be in it). */
  afterRssMB?: number;
  idleHeapMB?: number;
  loadHeapMB?: number;
  afterHeapMB?: number;
  /** The server's event-loop delay in the window: the worst p99 and max of its ~2 s /metrics samples (ours only). */
  loopDelayP99Ms?: number;
  loopDelayMaxMs?: number;
  /** Connections open at the load sample (all parts). */
  connections: number;
  /** (load RSS − idle RSS) / connections: an upper bound, it includes the server's own warm-up (first rooms, JIT, caches). */
  rssPerConnectionKB?: number;
  /** The slope of RSS over connections while they ramped up (least squares over the per-second points): the marginal cost of one more connection. Needs a ramp. */
  rssPerConnectionMarginalKB?: number;
  /**
   * Each part's latency as the server measured it over the window (ours:
   * the /metrics histograms' delta, quantiles interpolated within buckets).
   */
  latency?: Partial<Record<PartName, ServerLatency>>;
}

export interface GeneratorReport {
  /** The whole load-generator process over the window (all threads), % of one core. */
  processCpuPercent: number;
  threads: ThreadStats[];
  workers: number;
  cores: number;
  /** The whole machine's busy CPU over the window (/proc/stat), % of one core (cores × 100 is all of it). */
  machineCpuPercent?: number;
  /** Machine CPU not used by the generator or the (local) server: other processes, % of one core. */
  otherCpuPercent?: number;
  /** A generator thread over 90% of a core or lagging, or the machine CPU-bound: the latencies include the generator's own queueing. */
  saturated: boolean;
  /** Saturation, and other processes busy during the window (not a quiet machine). */
  warnings: string[];
  /** The arena players sent clearly fewer inputs than the run asked for (measures.ts flagLighterLoad): every figure is for a lighter load. */
  lighterLoad?: boolean;
}

export interface RunReport {
  scenario: Scenario;
  target: Target;
  startedAt: string;
  machine: { cores: number; cpu: string; node: string; platform: string };
  options: Omit<RunOptions, "onProgress" | "adminKey">;
  windowSeconds: number;
  parts: Partial<Record<PartName, PartReport>>;
  server?: ServerReport;
  generator: GeneratorReport;
  memory: MemoryPoint[];
  timeline: TimelinePoint[];
  /** Whole-run errors of every part together, plus writer errors. */
  errors: number;
  notes: string[];
}
