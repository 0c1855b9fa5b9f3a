import type { PartAggregate } from "./aggregate.ts";
import type { ClientThreads } from "./workers.ts";
import { epochNow, type Target } from "./client-host.ts";
import { until } from "./gen-cpu.ts";
import { makeLoadResult, parkedPolls, postResult, type ResultSent } from "./scenarios/longpoll.ts";

/**
 * The writer side of a run, in the main thread: score changes for the SSE
 * part, match results for the long-poll part. Clients (in the client
 * threads) only read; the writers make what they read happen.
 */

/** A result's wake-ups, and the pollers parking again after it, are waited for at most this long before the next round. */
export const ROUND_SETTLE_TIMEOUT_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The window a writer writes in (performance.now() ms). */
export interface WriterWindow {
  startedAt: number;
  endsAt: number;
}

/** Score changes at `rate` per second until the window ends, on a fixed schedule (a slow write does not shift the next). */
export async function writeScores(options: { write: () => Promise<void>; rate: number; window: WriterWindow; agg: PartAggregate; onError: () => void }): Promise<void> {
  const { agg, window } = options;
  agg.details.writesSent = 0;
  agg.details.writeErrors = 0;
  const gap = 1000 / options.rate;
  for (let n = 0; performance.now() < window.endsAt; n++) {
    agg.details.writesSent++;
    options.write().catch(() => {
      agg.details.writeErrors++;
      options.onError();
    });
    await sleep(Math.max(0, window.startedAt + (n + 1) * gap - performance.now()));
  }
}

export interface ResultWriterOptions {
  target: Target;
  url: string;
  adminKey: string;
  threads: ClientThreads;
  agg: PartAggregate;
  /** `rounds` results (solo), or one every `intervalMs` until the window ends (mixed). */
  rounds?: number;
  intervalMs: number;
  window: WriterWindow;
  onError: () => void;
}

/**
 * Match results, one round at a time: count the parked polls, tell the client
 * threads when the result is posted (wake-up latency), post it, wait until
 * every parked poll was woken and has parked again, then the next.
 */
export async function writeResults(options: ResultWriterOptions): Promise<void> {
  const { agg, target, url } = options;
  agg.details.results = 0;
  agg.details.expectedWakeups = 0;
  for (let round = 0; options.rounds !== undefined ? round < options.rounds : performance.now() < options.window.endsAt; round++) {
    const roundStarted = performance.now();
    const waiting = await parkedPolls(target, url);
    const result = makeLoadResult();
    const sent: ResultSent = { matchId: result.matchId, at: epochNow() };
    options.threads.broadcast({ type: "control", part: "longpoll", payload: sent });
    const ok = await postResult(target, url, options.adminKey, result).catch(() => false);
    if (!ok) {
      options.onError();
      agg.details.postErrors = (agg.details.postErrors ?? 0) + 1;
    }
    agg.details.results++;
    agg.details.expectedWakeups += waiting;
    const woken = () => agg.extra(`woken:${result.matchId}`);
    await until(() => woken() >= waiting, ROUND_SETTLE_TIMEOUT_MS, 20);
    // Everyone polls again before the next result.
    // Every 250 ms: each read of /metrics walks the server's sockets (open descriptors, active handles).
    // At 10,000 polls, reading every 100 ms cost the server 5 points of a core in the window (60% -> 55%
    // of a core when read every 250 ms, two runs each); the naive server's /stats costs nothing.
    await until(async () => (await parkedPolls(target, url)) >= waiting, ROUND_SETTLE_TIMEOUT_MS, 250);
    await sleep(Math.max(0, roundStarted + options.intervalMs - performance.now()));
  }
}
