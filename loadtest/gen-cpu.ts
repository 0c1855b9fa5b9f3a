import { readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { procStats } from "./spawn-server.ts";

/** Above this share of one core the generator, not the server, may be what is measured. */
export const GENERATOR_SATURATED_PERCENT = 90;
/** Above this p99 event-loop delay the generator's own queueing is a visible part of what it measures. */
export const GENERATOR_LAG_MS = 50;

/** Measures a window: the generator's own CPU (process.cpuUsage) and, when local, the server's CPU and peak RSS from /proc. */
export class CpuWindow {
  readonly #startedAt = performance.now();
  readonly #cpu = process.cpuUsage();
  readonly #serverPid?: number;
  readonly #serverBefore?: { cpuSeconds: number; rssBytes: number };
  #peakRss = 0;
  readonly #sampler?: NodeJS.Timeout;
  /** The generator's event-loop delay: late timers and reads inflate every latency it measures. */
  readonly #loopDelay = monitorEventLoopDelay({ resolution: 10 });

  constructor(serverPid?: number) {
    this.#serverPid = serverPid;
    this.#serverBefore = serverPid ? procStats(serverPid) : undefined;
    this.#loopDelay.enable();
    if (serverPid) {
      this.#sampler = setInterval(() => {
        this.#peakRss = Math.max(this.#peakRss, procStats(serverPid)?.rssBytes ?? 0);
      }, 250);
    }
  }

  finish(): WindowStats {
    if (this.#sampler) clearInterval(this.#sampler);
    this.#loopDelay.disable();
    const generatorLoopDelayP99Ms = round1(this.#loopDelay.percentile(99) / 1e6);
    const seconds = (performance.now() - this.#startedAt) / 1000;
    const cpu = process.cpuUsage(this.#cpu);
    const generatorCpuPercent = round1(((cpu.user + cpu.system) / 1e6 / seconds) * 100);
    const after = this.#serverPid ? procStats(this.#serverPid) : undefined;
    const server =
      this.#serverBefore && after
        ? {
            cpuPercentOfOneCore: round1(((after.cpuSeconds - this.#serverBefore.cpuSeconds) / seconds) * 100),
            rssMegabytes: round1(after.rssBytes / 1048576),
            peakRssMegabytes: round1(Math.max(this.#peakRss, after.rssBytes) / 1048576),
            rssBeforeMegabytes: round1(this.#serverBefore.rssBytes / 1048576),
          }
        : undefined;
    return { seconds: round1(seconds), generatorCpuPercent, generatorLoopDelayP99Ms, generatorSaturated: generatorCpuPercent > GENERATOR_SATURATED_PERCENT, server };
  }
}

export interface WindowStats {
  seconds: number;
  /** The load generator's main process CPU over the window, % of one core (user+system; worker/GC threads included). */
  generatorCpuPercent: number;
  /** p99 event-loop delay of the generator (ms); tens of ms means its own queueing is in the latencies. */
  generatorLoopDelayP99Ms: number;
  generatorSaturated: boolean;
  server?: { cpuPercentOfOneCore: number; rssMegabytes: number; peakRssMegabytes: number; rssBeforeMegabytes: number };
}

export const round1 = (n: number): number => Math.round(n * 10) / 10;

/** One load-generator thread's own cost over a run (main thread or a worker). */
export interface ThreadStats {
  /** "main" or "worker-N". */
  thread: string;
  seconds: number;
  /** This thread's CPU (process.threadCpuUsage), % of one core. */
  cpuPercent: number;
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** This thread's nice value at the end (0 unless `--generator-nice`; on Linux, priority is per thread). */
  nice: number;
  /** Over GENERATOR_SATURATED_PERCENT of a core or a p99 event-loop delay over GENERATOR_LAG_MS. */
  saturated: boolean;
}

/** monitorEventLoopDelay's sampling interval (ms); its histogram includes it, ThreadMonitor reports the delay beyond it. */
const LOOP_RESOLUTION_MS = 10;

/**
 * Measures the calling thread: its own CPU time (process.threadCpuUsage,
 * not the whole process) and its event-loop delay (beyond the 10 ms
 * sampling interval: an idle loop reads ~0). Each load-generator thread
 * runs one over the window, so the report can say which thread was the
 * bottleneck.
 */
export class ThreadMonitor {
  readonly #startedAt = performance.now();
  readonly #cpu = process.threadCpuUsage();
  readonly #loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });

  constructor(readonly thread: string) {
    this.#loopDelay.enable();
  }

  #delay(nanoseconds: number): number {
    return round1(Math.max(0, nanoseconds / 1e6 - LOOP_RESOLUTION_MS));
  }

  finish(): ThreadStats {
    this.#loopDelay.disable();
    const seconds = (performance.now() - this.#startedAt) / 1000;
    const cpu = process.threadCpuUsage(this.#cpu);
    const cpuPercent = round1(((cpu.user + cpu.system) / 1e6 / seconds) * 100);
    const p99 = this.#delay(this.#loopDelay.percentile(99));
    return {
      thread: this.thread,
      seconds: round1(seconds),
      cpuPercent,
      loopDelayP50Ms: this.#delay(this.#loopDelay.percentile(50)),
      loopDelayP99Ms: p99,
      loopDelayMaxMs: this.#delay(this.#loopDelay.max),
      nice: getPriority(),
      saturated: cpuPercent > GENERATOR_SATURATED_PERCENT || p99 > GENERATOR_LAG_MS,
    };
  }
}

/** Runs `task` over `items` with at most `limit` at a time. */
export async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

/** Resolves when `check` is true (polled every `everyMs`) or after `timeoutMs` (false). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
}

/** Busy and total CPU time of the whole machine (all cores) from /proc/stat, in ticks; undefined off Linux. */
export function machineCpuTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
    const [, ...fields] = line.trim().split(/\s+/);
    const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields.map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return undefined;
  }
}
