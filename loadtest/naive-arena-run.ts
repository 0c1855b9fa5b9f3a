import type { PartReport } from "./aggregate.ts";
import { spawnNaiveServer } from "./baseline/spawn-naive.ts";
import { machineCpuTicks, round1, ThreadMonitor, type ThreadStats } from "./gen-cpu.ts";
import { flagLighterLoad, generatorReport, machine, machineShare, serverReport, withoutCallbacks } from "./measures.ts";
import type { RunOptions, RunReport } from "./run-report.ts";
import { runArenaNaive, type NaiveArenaResult } from "./scenarios/arena-naive.ts";
import { cpuPercentBetween, ServerProbe, type ServerSample } from "./server-probe.ts";
import { AFTER_SETTLE_MS, ServerWatch } from "./server-watch.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `arena --target naive`: the naive `ws` JSON-broadcast server
 * (baseline/naive-ws-server.ts) driven by scenarios/arena-naive.ts (raw `ws`
 * clients, in this thread: no worker split). Its window starts once every
 * client joined; server CPU is measured over a sub-window inside it (from
 * the first progress line that shows every client joined, for duration − 1 s).
 */
export async function runNaiveArena(options: RunOptions): Promise<RunReport> {
  const a = options.arena!;
  const notes = ["naive arena: raw ws clients in the main thread (--workers does not apply); no per-second client timeline"];
  const server = await spawnNaiveServer("arena", { ...(options.cpuProfDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${options.cpuProfDir}` } : {}), ...options.serverEnv });
  const probe = new ServerProbe([{ pid: server.pid }]);
  const watch = new ServerWatch(probe, { heap: false, memoryEverySeconds: options.memoryEverySeconds });
  try {
    const idle = await watch.idle();
    watch.start();
    const window = new NaiveWindow(probe, watch, Math.max(1000, (options.durationSeconds - 1) * 1000));
    const result = await runArenaNaive({
      url: server.wsUrl,
      clients: a.clients,
      rooms: a.rooms,
      rate: a.rate,
      durationSeconds: options.durationSeconds,
      rampSeconds: options.rampSeconds || undefined,
      observeEvery: a.observeEvery,
      onProgress: (line) => {
        options.onProgress?.(`[arena naive] ${line}`);
        window.onProgress(line);
      },
    });
    watch.phase = "drain";
    const end = window.end ?? (await probe.sample());
    watch.stop();
    await sleep(AFTER_SETTLE_MS);
    const after = await probe.sample();
    watch.record("after", after);
    if (!window.start) notes.push("could not tell when every naive client had joined: server CPU is over the whole run");
    const windowStart = window.start ?? idle;
    const generator = generatorReport(1, window.seconds, window.processCpuUsed ?? { user: 0, system: 0 }, window.threadStats ? [window.threadStats] : [], cpuPercentBetween(windowStart, end), window.machineUsed);
    const part = naivePartReport(options, result, window.joined);
    flagLighterLoad(generator, part, a.rate, result.measuredSeconds);
    return {
      scenario: "arena",
      target: "naive",
      startedAt: new Date(Date.now() - watch.elapsed() * 1000).toISOString(),
      machine: machine(),
      options: withoutCallbacks(options),
      windowSeconds: round1(result.measuredSeconds),
      parts: { arena: part },
      server: serverReport({ source: "proc", idle, windowStart, windowEnd: end, after, peakRssBytes: watch.peakRssBytes, loopDelays: [], connections: result.joined }),
      generator,
      memory: watch.memory,
      timeline: watch.timeline,
      errors: result.errors,
      notes,
    };
  } finally {
    watch.stop();
    await server.stop();
  }
}

/**
 * The sub-window the server's and the generator's CPU are measured over:
 * from the first progress line that shows every client joined (or failed),
 * for `ms`.
 */
class NaiveWindow {
  start?: ServerSample;
  end?: ServerSample;
  processCpuUsed?: NodeJS.CpuUsage;
  machineUsed?: number;
  threadStats?: ThreadStats;
  /** Clients joined, as last reported. */
  joined = 0;
  readonly #probe: ServerProbe;
  readonly #watch: ServerWatch;
  readonly #ms: number;
  #opened = false;

  constructor(probe: ServerProbe, watch: ServerWatch, ms: number) {
    this.#probe = probe;
    this.#watch = watch;
    this.#ms = ms;
  }

  get seconds(): number {
    return this.#ms / 1000;
  }

  onProgress(line: string): void {
    const joined = /joined=(\d+)\/(\d+)/.exec(line);
    const errors = /errors=(\d+)/.exec(line);
    this.joined = joined ? Number(joined[1]) : this.joined;
    if (this.#opened || !joined || Number(joined[1]) + Number(errors?.[1] ?? 0) < Number(joined[2])) return;
    this.#opened = true;
    this.#watch.phase = "measure";
    const processCpu = process.cpuUsage();
    const machineStart = machineCpuTicks();
    const monitor = new ThreadMonitor("main");
    void this.#probe.sample().then((s) => (this.start = s));
    setTimeout(() => {
      void this.#probe.sample().then((s) => (this.end = s));
      this.processCpuUsed = process.cpuUsage(processCpu);
      this.machineUsed = machineShare(machineStart);
      this.threadStats = monitor.finish();
    }, this.#ms);
  }
}

function naivePartReport(options: RunOptions, result: NaiveArenaResult, joinedNow: number): PartReport {
  const a = options.arena!;
  const latency = result.latency.summary();
  return {
    part: "arena",
    target: "naive",
    clients: a.clients,
    connectedAtStart: result.joined,
    resumingAtStart: 0,
    connectedAtEnd: result.joined - result.disconnects,
    resumingAtEnd: 0,
    peakConnected: Math.max(result.joined, joinedNow),
    latencyName: "input→state",
    latency: { count: latency.count, p50: round1(latency.p50), p90: round1(latency.p90), p99: round1(latency.p99), max: round1(latency.max) },
    messages: result.stateUpdates,
    messagesPerSecond: round1(result.stateUpdates / Math.max(1, result.measuredSeconds)),
    bytes: result.bytesReceived,
    bytesPerClientPerSecond: round1(result.bytesReceived / Math.max(1, result.joined) / Math.max(0.001, result.measuredSeconds)),
    sent: result.inputsSent,
    errors: result.errors,
    disconnects: result.disconnects,
    rotations: 0,
    resumes: 0,
    gaps: 0,
    duplicates: 0,
    details: { observers: Math.ceil(a.clients / a.observeEvery) },
  };
}
