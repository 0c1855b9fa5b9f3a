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
