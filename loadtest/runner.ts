import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import { PartAggregate, type PartPoint, type PartReport } from "./aggregate.ts";
import { spawnNaiveServer } from "./baseline/spawn-naive.ts";
import { splitRange, epochNow, type ClientTask, type HostEvent, type PartName, type Phase, type Target } from "./client-host.ts";
import { GENERATOR_SATURATED_PERCENT, machineCpuTicks, round1, ThreadMonitor, until, type ThreadStats } from "./gen-cpu.ts";
import { arenaRoomPlans, arenaRoomShape } from "./scenarios/arena.ts";
import { runArenaNaive } from "./scenarios/arena-naive.ts";
import { makeLoadResult, parkedPolls, postResult, type ResultSent } from "./scenarios/longpoll.ts";
import { createSseWriter } from "./scenarios/sse.ts";
import { cpuPercentBetween, ServerProbe, type ServerSample } from "./server-probe.ts";
import { spawnServer, type SpawnedServer } from "./spawn-server.ts";
import { ClientThreads } from "./workers.ts";

export type Scenario = "arena" | "sse" | "longpoll" | "mixed";
export const SCENARIOS: Scenario[] = ["arena", "sse", "longpoll", "mixed"];

export interface RunOptions {
  scenario: Scenario;
  target: Target;
  /** A running server (ours) instead of spawning one; CPU/RSS then come from its /metrics. */
  url?: string;
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
  /** Server RSS (and heap) every S seconds into `memory`. */
  memoryEverySeconds?: number;
  /**
   * Extra environment of the spawned server (ours or the naive one), e.g.
   * `STREAM_LIFETIME_MS` to make streams rotate within a short run; it wins
   * over the tool's own settings.
   */
  serverEnv?: Record<string, string>;
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

/** How often the window reads the server's event-loop delay from /metrics (each read resets prom-client's histogram). */
const LOOP_DELAY_SAMPLE_MS = 2000;
const mb = (bytes: number | undefined) => (bytes === undefined ? undefined : round1(bytes / 1048576));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** After the clients left, wait this long before the "after" memory sample (closed sockets reach the server, timers clear). */
const AFTER_SETTLE_MS = 3000;

function partsOf(options: RunOptions): PartName[] {
  return options.scenario === "mixed" ? ["arena", "sse", "longpoll"] : [options.scenario];
}

/**
 * One load-test run: starts the server (ours or a naive baseline) in its
 * own process unless `url` is given, spreads the clients over the client
 * threads, runs the writers (score changes, results) from the main thread,
 * and measures a window. See run.ts for the command line.
 */
export async function runLoad(options: RunOptions): Promise<RunReport> {
  if (options.scenario === "arena" && options.target === "naive") return runNaiveArena(options);
  if (options.scenario === "mixed" && options.target === "naive") throw new Error("the mixed scenario has no naive baseline (bench compares it with its solo runs)");
  const parts = partsOf(options);
  const notes: string[] = [];
  const adminKey = options.adminKey ?? randomBytes(24).toString("hex");
  let server: SpawnedServer | undefined;
  const profiling: Record<string, string> = options.cpuProfDir ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --cpu-prof --cpu-prof-dir=${options.cpuProfDir}`.trim() } : {};
  if (options.target === "naive") server = await spawnNaiveServer(options.scenario as "sse" | "longpoll", { ...profiling, ...options.serverEnv });
  else if (!options.url) {
    server = await spawnServer({
      ADMIN_KEY: adminKey,
      // Every simulated client comes from this one IP: lift the per-client, per-IP and process ceilings.
      STREAMS_PER_CLIENT: "10000",
      STREAMS_PER_IP: "1000000",
      STREAMS_MAX: "1000000",
      POLLS_PER_CLIENT: "10000",
      POLLS_PER_IP: "1000000",
      POLLS_MAX: "1000000",
      WS_MESSAGES_PER_SECOND: String(Math.max(60, (options.arena?.rate ?? 20) * 2)),
      LOG_LEVEL: "info",
      ...profiling,
      ...options.serverEnv,
    });
  }
  const url = (options.target === "naive" ? server!.httpUrl : (options.url ?? server!.httpUrl)).replace(/\/$/, "").replace(/^ws/, "http");
  const probe = new ServerProbe({ pid: server?.pid, metricsUrl: options.target === "ours" ? `${url}/metrics` : undefined });
  const threads = new ClientThreads(options.workers, (event) => onEvent(event));
  const aggregates = new Map<PartName, PartAggregate>();
  const threadStats: ThreadStats[] = [];
  const fatal: string[] = [];
  let writerErrors = 0;
  const timeline: TimelinePoint[] = [];
  const memory: MemoryPoint[] = [];
  const intervals: NodeJS.Timeout[] = [];
  let phase: Phase = "connect";

  function onEvent(event: HostEvent) {
    if (event.type === "stats") aggregates.get(event.part)?.onStats(event);
    else if (event.type === "thread") threadStats.push(event.stats);
    else if (event.type === "fatal") fatal.push(`thread ${event.thread}: ${event.message}`);
  }

  try {
    await sleep(500);
    const idle = await probe.sample({ heap: true });
    memory.push({ t: 0, phase: "idle", rssMB: mb(idle.rssBytes), heapUsedMB: mb(idle.heapUsedBytes) });

    // Writer-side setup, then each thread's share of the clients.
    const sse = parts.includes("sse") ? await createSseWriter({ target: options.target, url, adminKey }) : undefined;
    const tasks: ClientTask[][] = Array.from({ length: threads.count }, () => []);
    if (parts.includes("arena")) {
      const a = options.arena!;
      const { teamSize } = arenaRoomShape(a.clients, a.rooms);
      const plans = arenaRoomPlans(a.clients, a.rooms);
      const matchSeconds = Math.min(3600, Math.max(60, (options.rampSeconds + options.durationSeconds) * 2 + 60));
      for (let t = 0; t < threads.count; t++) {
        tasks[t].push({ part: "arena", url, rooms: plans.filter((_, i) => i % threads.count === t), totalClients: a.clients, rate: a.rate, observeEvery: a.observeEvery, teamSize, matchSeconds });
      }
      aggregates.set("arena", new PartAggregate("arena", options.target, a.clients, threads.count));
      aggregates.get("arena")!.details.observers = Math.ceil(a.clients / a.observeEvery);
    }
    if (sse) {
      const s = options.sse!;
      splitRange(s.clients, threads.count).forEach((range, t) => tasks[t].push({ part: "sse", target: options.target, url, boardId: sse.boardId, top: s.top, observeEvery: s.observeEvery, ...range, totalClients: s.clients }));
      aggregates.set("sse", new PartAggregate("sse", options.target, s.clients, threads.count));
      aggregates.get("sse")!.details.observers = Math.ceil(s.clients / s.observeEvery);
    }
    if (parts.includes("longpoll")) {
      const l = options.longpoll!;
      splitRange(l.clients, threads.count).forEach((range, t) => tasks[t].push({ part: "longpoll", target: options.target, url, observeEvery: l.observeEvery, ...range, totalClients: l.clients }));
      aggregates.set("longpoll", new PartAggregate("longpoll", options.target, l.clients, threads.count));
    }

    // Timeline: one point a second from the start of the connections.
    const startedAt = performance.now();
    const elapsed = () => (performance.now() - startedAt) / 1000;
    let lastSample: ServerSample = idle;
    let peakRss = idle.rssBytes ?? 0;
    intervals.push(
      setInterval(() => {
        void (async () => {
          const sample = await probe.sample();
          const point: TimelinePoint = {
            t: Math.round(elapsed()),
            phase,
            serverCpuPercent: optionalRound(cpuPercentBetween(lastSample, sample)),
            serverRssMB: mb(sample.rssBytes),
            parts: Object.fromEntries([...aggregates].map(([name, agg]) => [name, agg.tick()])),
          };
          lastSample = sample;
          peakRss = Math.max(peakRss, sample.rssBytes ?? 0);
          timeline.push(point);
          options.onProgress?.(progressLine(point, aggregates));
        })();
      }, 1000),
    );
    if (options.memoryEverySeconds) {
      intervals.push(
        setInterval(() => {
          void probe.sample({ heap: true }).then((s) => memory.push({ t: Math.round(elapsed()), phase, rssMB: mb(s.rssBytes), heapUsedMB: mb(s.heapUsedBytes) }));
        }, options.memoryEverySeconds * 1000),
      );
    }

    tasks.forEach((list, thread) => threads.send(thread, { type: "start", tasks: list, startAt: Date.now() + 100, rampMs: options.rampSeconds * 1000 }));

    // Everyone connected (or gave up), and every long poll parked.
    const totalClients = [...aggregates.values()].reduce((n, a) => n + a.clients, 0);
    const readyTimeoutMs = (options.rampSeconds + 60 + totalClients / 100) * 1000;
    const allReady = await until(() => fatal.length > 0 || [...aggregates.values()].every((a) => a.ready), readyTimeoutMs, 100);
    if (fatal.length) throw new Error(`a client thread failed: ${fatal[0]}`);
    if (!allReady) notes.push(`not every client had connected after ${Math.round(readyTimeoutMs / 1000)} s; measuring anyway`);
    let parked = 0;
    if (aggregates.has("longpoll")) {
      const l = aggregates.get("longpoll")!;
      const want = l.connected;
      const parkedAll = await until(async () => (await parkedPolls(options.target, url)) >= want, 60_000, 250);
      parked = await parkedPolls(options.target, url);
      if (!parkedAll) notes.push(`only ${parked} of ${want} long polls parked before the window`);
      l.details.parked = parked;
    }

    // The window.
    threads.broadcast({ type: "phase", phase: "measure" });
    phase = "measure";
    for (const agg of aggregates.values()) {
      agg.connectedAtStart = agg.connected;
      agg.resumingAtStart = agg.resuming;
    }
    const mainMonitor = threads.inProcess ? undefined : new ThreadMonitor("main");
    const processCpu = process.cpuUsage();
    const machineStart = machineCpuTicks();
    const windowStart = await probe.sample();
    const windowStartedAt = performance.now();
    const windowEndsAt = windowStartedAt + options.durationSeconds * 1000;
    // The server's own event-loop delay over the window (ours: /metrics), to tell
    // its queueing from the generator's: a latency far above it is the generator's.
    const loopDelays: { p99: number; max: number }[] = [];
    const recordLoopDelay = (sample: ServerSample) => {
      if (sample.loopDelayP99Ms !== undefined) loopDelays.push({ p99: sample.loopDelayP99Ms, max: sample.loopDelayMaxMs ?? sample.loopDelayP99Ms });
    };
    const loopTimer = setInterval(() => void probe.sample({ heap: true }).then((sample) => phase === "measure" && recordLoopDelay(sample)), LOOP_DELAY_SAMPLE_MS);

    const writers: Promise<void>[] = [];
    if (sse) {
      const agg = aggregates.get("sse")!;
      agg.details.writesSent = 0;
      agg.details.writeErrors = 0;
      writers.push(
        (async () => {
          const gap = 1000 / options.sse!.rate;
          for (let n = 0; performance.now() < windowEndsAt; n++) {
            agg.details.writesSent++;
            sse.write().catch(() => {
              agg.details.writeErrors++;
              writerErrors++;
            });
            await sleep(Math.max(0, windowStartedAt + (n + 1) * gap - performance.now()));
          }
        })(),
      );
    }
    if (aggregates.has("longpoll")) {
      const agg = aggregates.get("longpoll")!;
      const l = options.longpoll!;
      const solo = options.scenario === "longpoll";
      agg.details.results = 0;
      agg.details.expectedWakeups = 0;
      writers.push(
        (async () => {
          for (let round = 0; solo ? round < l.rounds : performance.now() < windowEndsAt; round++) {
            const roundStarted = performance.now();
            const waiting = await parkedPolls(options.target, url);
            const result = makeLoadResult();
            const sent: ResultSent = { matchId: result.matchId, at: epochNow() };
            threads.broadcast({ type: "control", part: "longpoll", payload: sent });
            const ok = await postResult(options.target, url, adminKey, result).catch(() => false);
            if (!ok) {
              writerErrors++;
              agg.details.postErrors = (agg.details.postErrors ?? 0) + 1;
            }
            agg.details.results++;
            agg.details.expectedWakeups += waiting;
            const woken = () => agg.extra(`woken:${result.matchId}`);
            await until(() => woken() >= waiting, 15_000, 20);
            // Everyone polls again before the next result.
            await until(async () => (await parkedPolls(options.target, url)) >= waiting, 15_000, 100);
            await sleep(Math.max(0, roundStarted + l.intervalMs - performance.now()));
          }
        })(),
      );
    }
    await Promise.all(writers);
    const remaining = windowEndsAt - performance.now();
    if (remaining > 0 && options.scenario !== "longpoll") await sleep(remaining);
    // Let the last events land before the window closes.
    if (sse || aggregates.has("longpoll")) await sleep(1000);
    clearInterval(loopTimer);
    const windowEnd = await probe.sample({ heap: true });
    recordLoopDelay(windowEnd);
    const processCpuUsed = process.cpuUsage(processCpu);
    const machineUsed = machineShare(machineStart);
    const windowSeconds = (performance.now() - windowStartedAt) / 1000;
    threads.broadcast({ type: "phase", phase: "drain" });
    phase = "drain";
    if (mainMonitor) threadStats.push(mainMonitor.finish());
    const connections = [...aggregates.values()].reduce((n, a) => n + a.connected, 0);
    await sleep(300); // the drain-phase flush carries the window's last deltas
    const partReports = Object.fromEntries([...aggregates].map(([name, agg]) => [name, agg.report(windowSeconds)])) as Partial<Record<PartName, PartReport>>;
    if (partReports.longpoll) partReports.longpoll.details.wakeups = aggregates.get("longpoll")!.extraTotal("woken:");
    memory.push({ t: Math.round(elapsed()), phase: "measure", rssMB: mb(windowEnd.rssBytes), heapUsedMB: mb(windowEnd.heapUsedBytes) });

    for (const interval of intervals) clearInterval(interval);
    intervals.length = 0;
    await threads.stop();
    await sleep(AFTER_SETTLE_MS);
    const after = await probe.sample({ heap: true });
    memory.push({ t: Math.round(elapsed()), phase: "after", rssMB: mb(after.rssBytes), heapUsedMB: mb(after.heapUsedBytes) });
    // Abandoned polls must leave the server's registry (a leak check that does not depend on GC timing).
    if (partReports.longpoll) partReports.longpoll.details.parkedAfterAbandon = await parkedPolls(options.target, url, NaN);

    const serverCpu = cpuPercentBetween(windowStart, windowEnd);
    const serverReport: ServerReport | undefined = probe.available
      ? {
          source: probe.local ? "proc" : "metrics",
          cpuPercentOfOneCore: optionalRound(serverCpu),
          idleRssMB: mb(idle.rssBytes),
          loadRssMB: mb(windowEnd.rssBytes),
          peakRssMB: mb(Math.max(peakRss, windowEnd.rssBytes ?? 0) || undefined),
          afterRssMB: mb(after.rssBytes),
          idleHeapMB: mb(idle.heapUsedBytes),
          loadHeapMB: mb(windowEnd.heapUsedBytes),
          afterHeapMB: mb(after.heapUsedBytes),
          loopDelayP99Ms: loopDelays.length ? Math.max(...loopDelays.map((d) => d.p99)) : undefined,
          loopDelayMaxMs: loopDelays.length ? Math.max(...loopDelays.map((d) => d.max)) : undefined,
          connections,
          rssPerConnectionKB:
            idle.rssBytes !== undefined && windowEnd.rssBytes !== undefined && connections > 0 ? round1((windowEnd.rssBytes - idle.rssBytes) / connections / 1024) : undefined,
          rssPerConnectionMarginalKB: marginalRssKB(timeline, connections, mb(windowEnd.rssBytes)),
        }
      : undefined;
    const generator = generatorReport(threads.count, windowSeconds, processCpuUsed, threadStats, probe.local ? serverCpu : undefined, machineUsed);
    const errors = Object.values(partReports).reduce((n, p) => n + p!.errors, 0) + writerErrors;
    for (const message of fatal) notes.push(`a client thread failed: ${message.split("\n")[0]}`);
    return {
      scenario: options.scenario,
      target: options.target,
      startedAt: new Date(Date.now() - elapsed() * 1000).toISOString(),
      machine: machine(),
      options: withoutCallbacks(options),
      windowSeconds: round1(windowSeconds),
      parts: partReports,
      server: serverReport,
      generator,
      memory,
      timeline,
      errors,
      notes,
    };
  } finally {
    for (const interval of intervals) clearInterval(interval);
    await threads.stop(5000).catch(() => undefined);
    await server?.stop();
  }
}

/**
 * RSS per connection as the least-squares slope of RSS over open connections
 * during the connect phase (plus the window's end): fixed costs (warm-up) do
 * not count. Undefined unless the points span at least a quarter of the
 * connections (a ramp gives many points; without one there are few).
 */
function marginalRssKB(timeline: TimelinePoint[], connections: number, loadRssMB: number | undefined): number | undefined {
  const points = timeline
    .filter((p) => p.phase === "connect" && p.serverRssMB !== undefined)
    .map((p) => [Object.values(p.parts).reduce((n, part) => n + (part?.connected ?? 0), 0), p.serverRssMB!] as [number, number]);
  if (loadRssMB !== undefined) points.push([connections, loadRssMB]);
  const xs = points.map(([x]) => x);
  if (points.length < 4 || Math.max(...xs) - Math.min(...xs) < connections / 4) return undefined;
  const mx = xs.reduce((a, b) => a + b, 0) / points.length;
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  return sxx > 0 ? round1((sxy / sxx) * 1024) : undefined;
}

const optionalRound = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? undefined : round1(n));

function machine(): RunReport["machine"] {
  const list = cpus();
  return { cores: list.length, cpu: list[0]?.model ?? "unknown", node: process.version, platform: `${process.platform} ${process.arch}` };
}

function withoutCallbacks(options: RunOptions): RunReport["options"] {
  const { onProgress: _p, adminKey: _k, ...rest } = options;
  return rest;
}

/** The machine's busy share since `start`, % of one core. */
function machineShare(start: ReturnType<typeof machineCpuTicks>): number | undefined {
  const end = machineCpuTicks();
  if (!start || !end || end.total <= start.total) return undefined;
  return ((end.busy - start.busy) / (end.total - start.total)) * 100 * cpus().length;
}

function generatorReport(
  workers: number,
  windowSeconds: number,
  cpu: NodeJS.CpuUsage,
  threads: ThreadStats[],
  serverCpuPercent: number | undefined,
  machineCpuPercent: number | undefined,
): GeneratorReport {
  const cores = cpus().length;
  const processCpuPercent = round1(((cpu.user + cpu.system) / 1e6 / windowSeconds) * 100);
  const otherCpuPercent = machineCpuPercent !== undefined ? Math.max(0, machineCpuPercent - processCpuPercent - (serverCpuPercent ?? 0)) : undefined;
  const warnings: string[] = [];
  let saturated = false;
  for (const t of threads) {
    saturated ||= t.saturated;
    if (t.cpuPercent > GENERATOR_SATURATED_PERCENT) warnings.push(`generator thread ${t.thread} used ${t.cpuPercent}% of a core: it, not the server, may be what was measured`);
    else if (t.saturated && t.cpuPercent < 50) warnings.push(`generator thread ${t.thread} event loop lagged (p99 ${t.loopDelayP99Ms} ms) while using only ${t.cpuPercent}% of a core: it was waiting for a core (busy machine)`);
    else if (t.saturated) warnings.push(`generator thread ${t.thread} event loop lagged (p99 ${t.loopDelayP99Ms} ms): latencies include its own queueing`);
    if (Math.abs(t.seconds - windowSeconds) > Math.max(1, windowSeconds * 0.1)) {
      // Its event loop got the window's start or end command late, so its counts cover another span.
      saturated = true;
      warnings.push(`generator thread ${t.thread} counted for ${t.seconds} s of the ${round1(windowSeconds)} s window (it got the window's start or end late): message, byte and latency counts are skewed`);
    }
  }
  if (threads.length < Math.max(1, workers)) {
    saturated = true;
    warnings.push(`${Math.max(1, workers) - threads.length} generator thread(s) sent no statistics for the window: counts are missing`);
  }
  if (machineCpuPercent !== undefined && machineCpuPercent > GENERATOR_SATURATED_PERCENT * cores) {
    saturated = true;
    warnings.push(`the machine was CPU-bound: ${round1(machineCpuPercent)}% of ${cores * 100}% busy (generator ${processCpuPercent}%${serverCpuPercent !== undefined ? `, server ${round1(serverCpuPercent)}%` : ""}, other processes ${round1(otherCpuPercent ?? 0)}%)`);
  } else if (otherCpuPercent !== undefined && serverCpuPercent !== undefined && otherCpuPercent > 25) {
    warnings.push(`other processes used ${round1(otherCpuPercent)}% of a core during the window: not a quiet machine`);
  }
  return {
    processCpuPercent,
    threads: threads.sort((a, b) => a.thread.localeCompare(b.thread)),
    workers,
    cores,
    machineCpuPercent: optionalRound(machineCpuPercent),
    otherCpuPercent: optionalRound(otherCpuPercent),
    saturated,
    warnings,
  };
}

function progressLine(point: TimelinePoint, aggregates: Map<PartName, PartAggregate>): string {
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "–");
  const rate = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(n));
  const parts = [...aggregates].map(([name, agg]) => {
    const p = point.parts[name]!;
    return `${name} ${p.connected}${p.resuming ? `+${p.resuming}` : ""}/${agg.clients} ${rate(p.messages)} msg/s p50 ${fmt(p.p50)} p99 ${fmt(p.p99)} ms err ${p.errors}`;
  });
  const server = point.serverCpuPercent !== undefined ? ` | server ${point.serverCpuPercent.toFixed(0)}% ${point.serverRssMB?.toFixed(0)} MB` : "";
  return `t=${point.t}s ${point.phase} | ${parts.join(" | ")}${server}`;
}

/**
 * `arena --target naive`: the naive `ws` JSON-broadcast server
 * (baseline/naive-ws-server.ts) driven by scenarios/arena-naive.ts (raw `ws`
 * clients, in this thread: no worker split). Its window starts once every
 * client joined; server CPU is measured over a sub-window inside it (from
 * the first progress line that shows every client joined, for duration − 1 s).
 */
async function runNaiveArena(options: RunOptions): Promise<RunReport> {
  const a = options.arena!;
  const notes = ["naive arena: raw ws clients in the main thread (--workers does not apply); no per-second client timeline"];
  const server = await spawnNaiveServer("arena", { ...(options.cpuProfDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${options.cpuProfDir}` } : {}), ...options.serverEnv });
  const probe = new ServerProbe({ pid: server.pid });
  const timeline: TimelinePoint[] = [];
  const memory: MemoryPoint[] = [];
  const intervals: NodeJS.Timeout[] = [];
  try {
    await sleep(500);
    const idle = await probe.sample();
    memory.push({ t: 0, phase: "idle", rssMB: mb(idle.rssBytes) });
    const startedAt = performance.now();
    const elapsed = () => (performance.now() - startedAt) / 1000;
    let last = idle;
    let peakRss = idle.rssBytes ?? 0;
    let phase: Phase = "connect";
    intervals.push(
      setInterval(() => {
        void probe.sample().then((sample) => {
          timeline.push({ t: Math.round(elapsed()), phase, serverCpuPercent: optionalRound(cpuPercentBetween(last, sample)), serverRssMB: mb(sample.rssBytes), parts: {} });
          last = sample;
          peakRss = Math.max(peakRss, sample.rssBytes ?? 0);
        });
      }, 1000),
    );
    if (options.memoryEverySeconds) {
      intervals.push(setInterval(() => void probe.sample().then((s) => memory.push({ t: Math.round(elapsed()), phase, rssMB: mb(s.rssBytes) })), options.memoryEverySeconds * 1000));
    }
    let windowStart: ServerSample | undefined;
    let windowEnd: ServerSample | undefined;
    let processCpu: NodeJS.CpuUsage | undefined;
    let processCpuUsed: NodeJS.CpuUsage | undefined;
    let machineStart: ReturnType<typeof machineCpuTicks>;
    let machineUsed: number | undefined;
    let monitor: ThreadMonitor | undefined;
    let threadStats: ThreadStats | undefined;
    let joinedNow = 0;
    const subWindowMs = Math.max(1000, (options.durationSeconds - 1) * 1000);
    const result = await runArenaNaive({
      url: server.wsUrl,
      clients: a.clients,
      rooms: a.rooms,
      rate: a.rate,
      durationSeconds: options.durationSeconds,
      rampSeconds: options.rampSeconds || undefined,
      observeEvery: a.observeEvery,
      onProgress: (line) => {
        const joined = /joined=(\d+)\/(\d+)/.exec(line);
        const errors = /errors=(\d+)/.exec(line);
        joinedNow = joined ? Number(joined[1]) : joinedNow;
        options.onProgress?.(`[arena naive] ${line}`);
        if (!windowStart && joined && Number(joined[1]) + Number(errors?.[1] ?? 0) >= Number(joined[2])) {
          phase = "measure";
          processCpu = process.cpuUsage();
          machineStart = machineCpuTicks();
          monitor = new ThreadMonitor("main");
          void probe.sample().then((s) => (windowStart = s));
          setTimeout(() => {
            void probe.sample().then((s) => (windowEnd = s));
            processCpuUsed = process.cpuUsage(processCpu);
            machineUsed = machineShare(machineStart);
            threadStats = monitor!.finish();
          }, subWindowMs);
        }
      },
    });
    phase = "drain";
    const end = windowEnd ?? (await probe.sample());
    for (const interval of intervals) clearInterval(interval);
    await sleep(AFTER_SETTLE_MS);
    const after = await probe.sample();
    memory.push({ t: Math.round(elapsed()), phase: "after", rssMB: mb(after.rssBytes) });
    if (!windowStart) notes.push("could not tell when every naive client had joined: server CPU is over the whole run");
    const serverCpu = cpuPercentBetween(windowStart ?? idle, end);
    const latency = result.latency.summary();
    const r1 = (n: number) => round1(n);
    const part: PartReport = {
      part: "arena",
      target: "naive",
      clients: a.clients,
      connectedAtStart: result.joined,
      resumingAtStart: 0,
      connectedAtEnd: result.joined - result.disconnects,
      resumingAtEnd: 0,
      peakConnected: Math.max(result.joined, joinedNow),
      latencyName: "input→state",
      latency: { count: latency.count, p50: r1(latency.p50), p90: r1(latency.p90), p99: r1(latency.p99), max: r1(latency.max) },
      messages: result.stateUpdates,
      messagesPerSecond: r1(result.stateUpdates / Math.max(1, result.measuredSeconds)),
      bytes: result.bytesReceived,
      bytesPerClientPerSecond: r1(result.bytesReceived / Math.max(1, result.joined) / Math.max(0.001, result.measuredSeconds)),
      sent: result.inputsSent,
      errors: result.errors,
      disconnects: result.disconnects,
      rotations: 0,
      resumes: 0,
      gaps: 0,
      duplicates: 0,
      details: { observers: Math.ceil(a.clients / a.observeEvery) },
    };
    const generator = generatorReport(1, subWindowMs / 1000, processCpuUsed ?? { user: 0, system: 0 }, threadStats ? [threadStats] : [], serverCpu, machineUsed);
    return {
      scenario: "arena",
      target: "naive",
      startedAt: new Date(Date.now() - elapsed() * 1000).toISOString(),
      machine: machine(),
      options: withoutCallbacks(options),
      windowSeconds: r1(result.measuredSeconds),
      parts: { arena: part },
      server: {
        source: "proc",
        cpuPercentOfOneCore: optionalRound(serverCpu),
        idleRssMB: mb(idle.rssBytes),
        loadRssMB: mb(end.rssBytes),
        peakRssMB: mb(Math.max(peakRss, end.rssBytes ?? 0)),
        afterRssMB: mb(after.rssBytes),
        connections: result.joined,
        rssPerConnectionKB: idle.rssBytes !== undefined && end.rssBytes !== undefined && result.joined > 0 ? r1((end.rssBytes - idle.rssBytes) / result.joined / 1024) : undefined,
      },
      generator,
      memory,
      timeline,
      errors: result.errors,
      notes,
    };
  } finally {
    for (const interval of intervals) clearInterval(interval);
    await server.stop();
  }
}
