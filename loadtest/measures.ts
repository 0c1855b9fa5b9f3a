import { cpus } from "node:os";
import { GENERATOR_SATURATED_PERCENT, machineCpuTicks, round1, type ThreadStats } from "./gen-cpu.ts";
import type { GeneratorReport, RunOptions, RunReport, ServerReport, TimelinePoint } from "./run-report.ts";
import { cpuPercentBetween, type ServerSample } from "./server-probe.ts";
import { serverLatencies } from "./server-latency.ts";
import type { PartName } from "./client-host.ts";
import type { PartReport } from "./aggregate.ts";

/** The numbers of a report computed from samples: the generator's health, the server's CPU and memory, the machine. */

export const mb = (bytes: number | undefined): number | undefined => (bytes === undefined ? undefined : round1(bytes / 1048576));
export const optionalRound = (n: number | undefined): number | undefined => (n === undefined || !Number.isFinite(n) ? undefined : round1(n));

/** A generator thread's window may differ from the main thread's by this share (or 1 s) before its counts are called skewed. */
const THREAD_WINDOW_TOLERANCE = 0.1;
/** Other processes above this share of one core during the window: not a quiet machine. */
const OTHER_CPU_WARNING_PERCENT = 25;
/** A lagging thread below this share of a core was waiting for one (a busy machine), not busy itself. */
const WAITING_FOR_CORE_PERCENT = 50;
/** The arena players sent fewer than this share of the inputs the run asked for: the server carried a lighter load. */
export const OFFERED_INPUTS_MIN_SHARE = 0.9;

/**
 * When the arena's bots sent clearly fewer inputs than asked (players at the
 * window's start × rate × window), the warning that says so: a starved or
 * niced generator lowers the load itself, and then even the server-side
 * figures are those of a lighter load than the run's name.
 */
export function offeredInputsWarning(sent: number, players: number, rateHz: number, windowSeconds: number): string | undefined {
  const asked = players * rateHz * windowSeconds;
  if (asked <= 0 || sent >= asked * OFFERED_INPUTS_MIN_SHARE) return undefined;
  return `the arena players sent ${Math.round((sent / asked) * 100)}% of the inputs the run asked for (${Math.round(sent / windowSeconds)}/s of ${Math.round(asked / windowSeconds)}/s): every figure, the server-side ones too, is for a lighter load`;
}

/** Marks a run's generator report when its arena part (ours or naive) was offered a lighter load than asked. */
export function flagLighterLoad(generator: GeneratorReport, arena: PartReport | undefined, rateHz: number | undefined, windowSeconds: number): void {
  const warning = arena && rateHz ? offeredInputsWarning(arena.sent, arena.connectedAtStart, rateHz, windowSeconds) : undefined;
  if (!warning) return;
  generator.saturated = true;
  generator.lighterLoad = true;
  generator.warnings.push(warning);
}

export function machine(): RunReport["machine"] {
  const list = cpus();
  return { cores: list.length, cpu: list[0]?.model ?? "unknown", node: process.version, platform: `${process.platform} ${process.arch}` };
}

export function withoutCallbacks(options: RunOptions): RunReport["options"] {
  const { onProgress: _p, adminKey: _k, ...rest } = options;
  return rest;
}

/** The machine's busy share since `start`, % of one core. */
export function machineShare(start: ReturnType<typeof machineCpuTicks>): number | undefined {
  const end = machineCpuTicks();
  if (!start || !end || end.total <= start.total) return undefined;
  return ((end.busy - start.busy) / (end.total - start.total)) * 100 * cpus().length;
}

/** Saturation warnings of one generator thread (and whether it makes the run's numbers unclean). */
function threadWarnings(t: ThreadStats, windowSeconds: number): { saturated: boolean; warnings: string[] } {
  const warnings: string[] = [];
  let saturated = t.saturated;
  if (t.cpuPercent > GENERATOR_SATURATED_PERCENT) warnings.push(`generator thread ${t.thread} used ${t.cpuPercent}% of a core: it, not the server, may be what was measured`);
  else if (t.saturated && t.cpuPercent < WAITING_FOR_CORE_PERCENT) warnings.push(`generator thread ${t.thread} event loop lagged (p99 ${t.loopDelayP99Ms} ms) while using only ${t.cpuPercent}% of a core: it was waiting for a core (busy machine)`);
  else if (t.saturated) warnings.push(`generator thread ${t.thread} event loop lagged (p99 ${t.loopDelayP99Ms} ms): latencies include its own queueing`);
  if (Math.abs(t.seconds - windowSeconds) > Math.max(1, windowSeconds * THREAD_WINDOW_TOLERANCE)) {
    // Its event loop got the window's start or end command late, so its counts cover another span.
    saturated = true;
    warnings.push(`generator thread ${t.thread} counted for ${t.seconds} s of the ${round1(windowSeconds)} s window (it got the window's start or end late): message, byte and latency counts are skewed`);
  }
  return { saturated, warnings };
}

export function generatorReport(
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
    const verdict = threadWarnings(t, windowSeconds);
    saturated ||= verdict.saturated;
    warnings.push(...verdict.warnings);
  }
  if (threads.length < Math.max(1, workers)) {
    saturated = true;
    warnings.push(`${Math.max(1, workers) - threads.length} generator thread(s) sent no statistics for the window: counts are missing`);
  }
  if (machineCpuPercent !== undefined && machineCpuPercent > GENERATOR_SATURATED_PERCENT * cores) {
    saturated = true;
    warnings.push(`the machine was CPU-bound: ${round1(machineCpuPercent)}% of ${cores * 100}% busy (generator ${processCpuPercent}%${serverCpuPercent !== undefined ? `, server ${round1(serverCpuPercent)}%` : ""}, other processes ${round1(otherCpuPercent ?? 0)}%)`);
  } else if (otherCpuPercent !== undefined && serverCpuPercent !== undefined && otherCpuPercent > OTHER_CPU_WARNING_PERCENT) {
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

/** (load RSS − idle RSS) / connections, KB: an upper bound (it includes the server's warm-up). */
export function rssPerConnectionKB(idle: ServerSample, load: ServerSample, connections: number): number | undefined {
  return idle.rssBytes !== undefined && load.rssBytes !== undefined && connections > 0 ? round1((load.rssBytes - idle.rssBytes) / connections / 1024) : undefined;
}

/**
 * RSS per connection as the least-squares slope of RSS over open connections
 * during the connect phase (plus the window's end): fixed costs (warm-up) do
 * not count. Undefined unless the points span at least a quarter of the
 * connections (a ramp gives many points; without one there are few).
 */
export function marginalRssKB(timeline: TimelinePoint[], connections: number, loadRssMB: number | undefined): number | undefined {
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

/** The server's side of a run from its samples: idle (before), window start and end (load), after (clients gone). */
export function serverReport(input: {
  source: ServerReport["source"];
  idle: ServerSample;
  windowStart: ServerSample;
  windowEnd: ServerSample;
  after: ServerSample;
  peakRssBytes: number;
  loopDelays: { p99: number; max: number }[];
  connections: number;
  /** The per-second points for the marginal RSS per connection; without it (no per-part points) there is none. */
  timeline?: TimelinePoint[];
  /** The parts whose server-side histograms to report (from windowStart and windowEnd's /metrics). */
  parts?: PartName[];
}): ServerReport {
  const { idle, windowEnd, after, loopDelays, connections } = input;
  return {
    source: input.source,
    cpuPercentOfOneCore: optionalRound(cpuPercentBetween(input.windowStart, windowEnd)),
    idleRssMB: mb(idle.rssBytes),
    loadRssMB: mb(windowEnd.rssBytes),
    peakRssMB: mb(Math.max(input.peakRssBytes, windowEnd.rssBytes ?? 0) || undefined),
    afterRssMB: mb(after.rssBytes),
    idleHeapMB: mb(idle.heapUsedBytes),
    loadHeapMB: mb(windowEnd.heapUsedBytes),
    afterHeapMB: mb(after.heapUsedBytes),
    loopDelayP99Ms: loopDelays.length ? Math.max(...loopDelays.map((d) => d.p99)) : undefined,
    loopDelayMaxMs: loopDelays.length ? Math.max(...loopDelays.map((d) => d.max)) : undefined,
    connections,
    rssPerConnectionKB: rssPerConnectionKB(idle, windowEnd, connections),
    rssPerConnectionMarginalKB: input.timeline ? marginalRssKB(input.timeline, connections, mb(windowEnd.rssBytes)) : undefined,
    // Both ends, or nothing: a missing start would count the whole run as the window.
    latency: input.parts && input.windowStart.histograms && windowEnd.histograms ? serverLatencies(input.parts, input.windowStart.histograms, windowEnd.histograms) : undefined,
  };
}
