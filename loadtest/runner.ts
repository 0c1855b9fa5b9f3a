import { randomBytes } from "node:crypto";
import type { PartAggregate, PartReport } from "./aggregate.ts";
import { spawnNaiveServer } from "./baseline/spawn-naive.ts";
import { partsOf, planClients } from "./client-plan.ts";
import type { HostEvent, PartName } from "./client-host.ts";
import { machineCpuTicks, round1, ThreadMonitor, until, type ThreadStats } from "./gen-cpu.ts";
import { writeResults, writeScores, type WriterWindow } from "./main-writers.ts";
import { flagLighterLoad, generatorReport, machine, machineShare, serverReport, withoutCallbacks } from "./measures.ts";
import { runNaiveArena } from "./naive-arena-run.ts";
import { progressLine } from "./report/text.ts";
import type { RunOptions, RunReport } from "./run-report.ts";
import { parkedPolls } from "./scenarios/longpoll.ts";
import { createSseWriter } from "./scenarios/sse.ts";
import { startPrivateRedis } from "./private-redis.ts";
import { cpuPercentBetween, ServerProbe, type ProbeMember, type ServerSample } from "./server-probe.ts";
import { AFTER_SETTLE_MS, LoopDelaySampler, ServerWatch } from "./server-watch.ts";
import { spawnServer, type SpawnedServer } from "./spawn-server.ts";
import { ClientThreads } from "./workers.ts";

export { SCENARIOS, type GeneratorReport, type MemoryPoint, type RunOptions, type RunReport, type Scenario, type ServerReport, type TimelinePoint } from "./run-report.ts";

/** After the writers stop, let the last events land before the window closes. */
export const LAST_EVENTS_MS = 1000;
/** After the window, the drain-phase flush carries the window's last deltas. */
export const DRAIN_FLUSH_MS = 300;
/** Every long poll must have parked within this long before the window starts. */
export const PARK_TIMEOUT_MS = 60_000;
/** Client threads that do not stop in this long (run failed or aborted) are ended anyway. */
export const ABORT_STOP_MS = 5000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One load-test run: starts the server (ours or a naive baseline) in its
 * own process unless `url` is given, spreads the clients over the client
 * threads, runs the writers (score changes, results) from the main thread,
 * and measures a window. See run.ts for the command line.
 */
export async function runLoad(options: RunOptions): Promise<RunReport> {
  if (options.scenario === "arena" && options.target === "naive") return runNaiveArena(options);
  if (options.scenario === "mixed" && options.target === "naive") throw new Error("the mixed scenario has no naive baseline (bench compares it with its solo runs)");
  const adminKey = options.adminKey ?? randomBytes(24).toString("hex");
  const deployment = await startTarget(options, adminKey);
  const run = new LoadRun(options, deployment, adminKey);
  try {
    return await run.run();
  } finally {
    await run.abort();
    await deployment.stop();
  }
}

/**
 * Where the clients go and what is measured: `url` for the API, SSE, polls
 * and the writers; `arenaUrl` for the players; `members` the processes read.
 */
interface Deployment {
  url: string;
  arenaUrl: string;
  members: ProbeMember[];
  stop(): Promise<void>;
}

const urlOf = (httpUrl: string) => httpUrl.replace(/\/$/, "").replace(/^ws/, "http");

/**
 * The server under load in its own process(es): the naive baseline, ours
 * (`--topology`: one process, an api process or a room process + an api
 * process on a private Redis), or a running one (`--url`).
 */
async function startTarget(options: RunOptions, adminKey: string): Promise<Deployment> {
  const profiling: Record<string, string> = options.cpuProfDir ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --cpu-prof --cpu-prof-dir=${options.cpuProfDir}`.trim() } : {};
  const ours = options.target === "ours";
  if (!ours) {
    const naive = await spawnNaiveServer(options.scenario as "sse" | "longpoll", { ...profiling, ...options.serverEnv });
    return { url: urlOf(naive.httpUrl), arenaUrl: urlOf(naive.httpUrl), members: [{ pid: naive.pid }], stop: () => naive.stop() };
  }
  if (options.url) {
    const url = urlOf(options.url);
    const metricsUrls = options.metricsUrls?.length ? options.metricsUrls : [`${url}/metrics`];
    return { url, arenaUrl: url, members: metricsUrls.map((metricsUrl) => ({ name: new URL(metricsUrl).host, metricsUrl })), stop: async () => undefined };
  }
  const env = (extra: Record<string, string>) => ({
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
    ...extra,
    ...profiling,
    ...options.serverEnv,
  });
  const topology = options.topology ?? "one";
  if (topology === "one") {
    const server = await spawnServer(env({}));
    const url = urlOf(server.httpUrl);
    return { url, arenaUrl: url, members: [{ pid: server.pid, metricsUrl: `${url}/metrics` }], stop: () => server.stop() };
  }
  const redis = await startPrivateRedis();
  const started: SpawnedServer[] = [];
  const stop = async () => {
    await Promise.all(started.map((server) => server.stop()));
    await redis.stop();
  };
  try {
    const shared = { REDIS_URL: redis.url, TOKEN_SECRET: randomBytes(32).toString("hex") };
    // The room process first, as in a deployment: an api process that starts alone warns that no room can be created yet.
    const rooms = topology === "split" ? await spawnServer(env({ ...shared, PROCESS_ROLE: "all" })) : undefined;
    if (rooms) started.push(rooms);
    const api = await spawnServer(env({ ...shared, PROCESS_ROLE: "api" }));
    started.push(api);
    const url = urlOf(api.httpUrl);
    if (!rooms) return { url, arenaUrl: url, members: [{ pid: api.pid, metricsUrl: `${url}/metrics` }], stop };
    const arenaUrl = urlOf(rooms.httpUrl);
    return { url, arenaUrl, members: [{ name: "api process", pid: api.pid, metricsUrl: `${url}/metrics` }, { name: "room process", pid: rooms.pid, metricsUrl: `${arenaUrl}/metrics` }], stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Each process of a deployment over the window: CPU, RSS at the window's end, event-loop delay. */
function perProcess(start: ServerSample, end: ServerSample): string {
  return end
    .members!.map((member, i) => {
      const cpu = cpuPercentBetween({ at: start.at, cpuSeconds: start.members![i]?.cpuSeconds }, { at: end.at, cpuSeconds: member.cpuSeconds });
      const rss = member.rssBytes === undefined ? "–" : `${round1(member.rssBytes / 1048576)} MB`;
      const loop = member.loopDelayP99Ms === undefined ? "" : `, event-loop p99 ${member.loopDelayP99Ms} ms`;
      return `${member.name} ${cpu === undefined ? "–" : round1(cpu)}% of a core, RSS ${rss}${loop}`;
    })
    .join("; ");
}

/** What the measured window found. */
interface WindowResult {
  windowStart: ServerSample;
  windowEnd: ServerSample;
  processCpuUsed: NodeJS.CpuUsage;
  machineUsed: number | undefined;
  windowSeconds: number;
  loopDelays: { p99: number; max: number }[];
  connections: number;
  partReports: Partial<Record<PartName, PartReport>>;
}

/** The phases of one run against a server at `url`: connect, measure, drain, report. */
class LoadRun {
  readonly #options: RunOptions;
  readonly #url: string;
  readonly #arenaUrl: string;
  readonly #adminKey: string;
  readonly #probe: ServerProbe;
  readonly #threads: ClientThreads;
  readonly #watch: ServerWatch;
  #aggregates = new Map<PartName, PartAggregate>();
  readonly #threadStats: ThreadStats[] = [];
  readonly #fatal: string[] = [];
  readonly #notes: string[] = [];
  #writerErrors = 0;

  constructor(options: RunOptions, deployment: Deployment, adminKey: string) {
    this.#options = options;
    this.#url = deployment.url;
    this.#arenaUrl = deployment.arenaUrl;
    this.#adminKey = adminKey;
    this.#probe = new ServerProbe(deployment.members);
    this.#threads = new ClientThreads(options.workers, (event) => this.#onEvent(event), { nice: options.generatorNice });
    this.#watch = new ServerWatch(this.#probe, {
      heap: true,
      memoryEverySeconds: options.memoryEverySeconds,
      parts: () => Object.fromEntries([...this.#aggregates].map(([name, agg]) => [name, agg.tick()])),
      onPoint: (point) => options.onProgress?.(progressLine(point, this.#aggregates)),
    });
  }

  async run(): Promise<RunReport> {
    const idle = await this.#watch.idle();
    // Writer-side setup, then each thread's share of the clients.
    const sse = partsOf(this.#options).includes("sse") ? await createSseWriter({ target: this.#options.target, url: this.#url, adminKey: this.#adminKey }) : undefined;
    const plan = planClients(this.#options, this.#threads.count, this.#url, sse?.boardId, this.#arenaUrl);
    this.#aggregates = plan.aggregates;
    this.#watch.start();
    this.#keepMetricsWarm();
    plan.tasks.forEach((tasks, thread) => this.#threads.send(thread, { type: "start", tasks, startAt: Date.now() + 100, rampMs: this.#options.rampSeconds * 1000 }));
    await this.#connected();
    const window = await this.#measure(sse?.write);
    const after = await this.#drain(window.partReports);
    return this.#report(idle, window, after);
  }

  #warmTimer?: NodeJS.Timeout;
  #warmRead: Promise<unknown> = Promise.resolve();

  /**
   * While the clients connect, reads /metrics every 2 s (ours) so that the
   * window's first read reuses a kept-alive connection: during a join storm
   * a new connection to the server can wait in its accept queue longer than
   * the read's timeout, and the window would have no server-side latency.
   */
  #keepMetricsWarm(): void {
    if (this.#options.target !== "ours") return;
    this.#warmTimer = setInterval(() => {
      this.#warmRead = this.#warmRead.then(() => this.#probe.sample({ heap: true }));
    }, 2000);
  }

  async #stopWarming(): Promise<void> {
    clearInterval(this.#warmTimer);
    await this.#warmRead.catch(() => undefined);
  }

  /** Stops whatever is still running (after a failure too). */
  async abort(): Promise<void> {
    this.#watch.stop();
    clearInterval(this.#warmTimer);
    await this.#threads.stop(ABORT_STOP_MS).catch(() => undefined);
  }

  #onEvent(event: HostEvent): void {
    if (event.type === "stats") this.#aggregates.get(event.part)?.onStats(event);
    else if (event.type === "thread") this.#threadStats.push(event.stats);
    else if (event.type === "fatal") this.#fatal.push(`thread ${event.thread}: ${event.message}`);
  }

  /** Everyone connected (or gave up), and every long poll parked. */
  async #connected(): Promise<void> {
    const aggregates = [...this.#aggregates.values()];
    const totalClients = aggregates.reduce((n, a) => n + a.clients, 0);
    const readyTimeoutMs = (this.#options.rampSeconds + 60 + totalClients / 100) * 1000;
    const allReady = await until(() => this.#fatal.length > 0 || aggregates.every((a) => a.ready), readyTimeoutMs, 100);
    if (this.#fatal.length) throw new Error(`a client thread failed: ${this.#fatal[0]}`);
    if (!allReady) this.#notes.push(`not every client had connected after ${Math.round(readyTimeoutMs / 1000)} s; measuring anyway`);
    const longpoll = this.#aggregates.get("longpoll");
    if (!longpoll) return;
    const want = longpoll.connected;
    const parkedAll = await until(async () => (await parkedPolls(this.#options.target, this.#url)) >= want, PARK_TIMEOUT_MS, 250);
    const parked = await parkedPolls(this.#options.target, this.#url);
    if (!parkedAll) this.#notes.push(`only ${parked} of ${want} long polls parked before the window`);
    longpoll.details.parked = parked;
  }

  /** The window: the writers write, the clients count, the server is sampled at both ends. */
  async #measure(writeScore: (() => Promise<void>) | undefined): Promise<WindowResult> {
    const options = this.#options;
    await this.#stopWarming();
    this.#threads.broadcast({ type: "phase", phase: "measure" });
    this.#watch.phase = "measure";
    for (const agg of this.#aggregates.values()) {
      agg.connectedAtStart = agg.connected;
      agg.resumingAtStart = agg.resuming;
    }
    const mainMonitor = this.#threads.inProcess ? undefined : new ThreadMonitor("main");
    const processCpu = process.cpuUsage();
    const machineStart = machineCpuTicks();
    // With /metrics (ours): the server-side latency histograms at the window's start.
    const windowStart = await this.#probe.sample({ heap: true });
    const startedAt = performance.now();
    const window: WriterWindow = { startedAt, endsAt: startedAt + options.durationSeconds * 1000 };
    const loop = new LoopDelaySampler(this.#probe, () => this.#watch.phase === "measure");
    loop.start();
    await Promise.all(this.#writers(writeScore, window));
    const remaining = window.endsAt - performance.now();
    if (remaining > 0 && options.scenario !== "longpoll") await sleep(remaining);
    if (writeScore || this.#aggregates.has("longpoll")) await sleep(LAST_EVENTS_MS);
    loop.stop();
    const windowEnd = await this.#probe.sample({ heap: true });
    loop.record(windowEnd);
    const processCpuUsed = process.cpuUsage(processCpu);
    const machineUsed = machineShare(machineStart);
    const windowSeconds = (performance.now() - window.startedAt) / 1000;
    this.#threads.broadcast({ type: "phase", phase: "drain" });
    this.#watch.phase = "drain";
    if (mainMonitor) this.#threadStats.push(mainMonitor.finish());
    const connections = [...this.#aggregates.values()].reduce((n, a) => n + a.connected, 0);
    await sleep(DRAIN_FLUSH_MS);
    const partReports = Object.fromEntries([...this.#aggregates].map(([name, agg]) => [name, agg.report(windowSeconds)])) as Partial<Record<PartName, PartReport>>;
    if (partReports.longpoll) partReports.longpoll.details.wakeups = this.#aggregates.get("longpoll")!.extraTotal("woken:");
    this.#watch.record("measure", windowEnd);
    return { windowStart, windowEnd, processCpuUsed, machineUsed, windowSeconds, loopDelays: loop.delays, connections, partReports };
  }

  #writers(writeScore: (() => Promise<void>) | undefined, window: WriterWindow): Promise<void>[] {
    const writers: Promise<void>[] = [];
    const onError = () => this.#writerErrors++;
    const sse = this.#aggregates.get("sse");
    if (writeScore && sse) writers.push(writeScores({ write: writeScore, rate: this.#options.sse!.rate, window, agg: sse, onError }));
    const longpoll = this.#aggregates.get("longpoll");
    if (longpoll) {
      const l = this.#options.longpoll!;
      const rounds = this.#options.scenario === "longpoll" ? l.rounds : undefined;
      writers.push(writeResults({ target: this.#options.target, url: this.#url, adminKey: this.#adminKey, threads: this.#threads, agg: longpoll, rounds, intervalMs: l.intervalMs, window, onError }));
    }
    return writers;
  }

  /** The clients leave; the server is read once more when they are gone. */
  async #drain(partReports: WindowResult["partReports"]): Promise<ServerSample> {
    this.#watch.stop();
    await this.#threads.stop();
    await sleep(AFTER_SETTLE_MS);
    const after = await this.#probe.sample({ heap: true });
    this.#watch.record("after", after);
    // Abandoned polls must leave the server's registry (a leak check that does not depend on GC timing).
    if (partReports.longpoll) partReports.longpoll.details.parkedAfterAbandon = await parkedPolls(this.#options.target, this.#url, NaN);
    return after;
  }

  #report(idle: ServerSample, window: WindowResult, after: ServerSample): RunReport {
    const { windowStart, windowEnd, partReports } = window;
    const server = this.#probe.available
      ? serverReport({ source: this.#probe.local ? "proc" : "metrics", idle, windowStart, windowEnd, after, peakRssBytes: this.#watch.peakRssBytes, loopDelays: window.loopDelays, connections: window.connections, timeline: this.#watch.timeline, parts: [...this.#aggregates.keys()] })
      : undefined;
    if (this.#options.target === "ours" && (!windowStart.histograms || !windowEnd.histograms)) {
      this.#notes.push(`no server-side latency: /metrics could not be read at the window's ${windowStart.histograms ? "end" : "start"} (${this.#probe.lastError ?? "unknown error"})`);
    }
    const serverCpu = this.#probe.local ? cpuPercentBetween(windowStart, windowEnd) : undefined;
    if (this.#options.generatorNice) this.#notes.push(`client threads ran at nice ${this.#options.generatorNice} (--generator-nice): the server had the first claim on a core; the sent/received counts say how much of the load they still offered`);
    if (windowStart.members && windowEnd.members) this.#notes.push(`per process over the window: ${perProcess(windowStart, windowEnd)}`);
    const generator = generatorReport(this.#threads.count, window.windowSeconds, window.processCpuUsed, this.#threadStats, serverCpu, window.machineUsed);
    flagLighterLoad(generator, partReports.arena, this.#options.arena?.rate, window.windowSeconds);
    const errors = Object.values(partReports).reduce((n, p) => n + p!.errors, 0) + this.#writerErrors;
    for (const message of this.#fatal) this.#notes.push(`a client thread failed: ${message.split("\n")[0]}`);
    return {
      scenario: this.#options.scenario,
      target: this.#options.target,
      startedAt: new Date(Date.now() - this.#watch.elapsed() * 1000).toISOString(),
      machine: machine(),
      options: withoutCallbacks(this.#options),
      windowSeconds: round1(window.windowSeconds),
      parts: partReports,
      server,
      generator,
      memory: this.#watch.memory,
      timeline: this.#watch.timeline,
      errors,
      notes: this.#notes,
    };
  }
}
