import { createClient } from "../../client-sdk/index.ts";
import type { MatchResult } from "../../shared/index.ts";
import { CpuWindow, pool, until, type WindowStats } from "../gen-cpu.ts";
import { LatencySamples } from "../latency.ts";

export interface LongPollScenarioOptions {
  /** `ours`: SDK feed followers (`client.matches.feed`) + admin API results; `naive`: baseline/naive-server.ts longpoll (raw fetch). */
  target: "ours" | "naive";
  url: string;
  adminKey?: string;
  clients: number;
  /** Results recorded, one at a time, each after every poll is parked again. @default 5 */
  rounds?: number;
  /** At least this long between results, so CPU is averaged over a fixed window. @default 2000 */
  intervalMs?: number;
  serverPid?: number;
  onProgress?: (line: string) => void;
}

export interface LongPollScenarioReport {
  scenario: "longpoll";
  target: "ours" | "naive";
  clients: number;
  /** Polls parked before the first result (server's count). */
  parked: number;
  rounds: number;
  /** Wake-ups received, all rounds together (ideal: clients × rounds). */
  wakeups: number;
  /** Receive time − the time the result's POST was sent. */
  wakeUpMs: ReturnType<LatencySamples["summary"]>;
  /** Receive time − the result's `recordedAt` (server clock, ms resolution). */
  sinceRecordedMs: ReturnType<LatencySamples["summary"]>;
  errors: number;
  window: WindowStats;
}

let counter = 0;

/** A valid MatchResult for the admin API (cf. makeResult in the store tests; loadtest does not import test/). */
export function makeLoadResult(): MatchResult {
  const matchId = `m_load${Date.now().toString(36)}x${process.pid}x${++counter}`;
  const stats = (goals: number) => ({ goals, assists: 0, shots: goals + 1, saves: 0, touches: 10 });
  return {
    matchId,
    mode: "1v1",
    teams: { home: { name: "Home", score: 2, stats: stats(2) }, away: { name: "Away", score: 1, stats: stats(1) } },
    players: [
      { playerId: "p_loadhome01", name: "Home Bot", side: "home", stats: stats(2) },
      { playerId: "p_loadaway01", name: "Away Bot", side: "away", stats: stats(1) },
    ],
    winner: "home",
    startedAt: new Date(Date.now() - 60_000).toISOString(),
    endedAt: new Date().toISOString(),
  };
}

/** `longpoll_pending` from the server's Prometheus text. */
async function pendingOf(options: LongPollScenarioOptions): Promise<number> {
  try {
    if (options.target === "naive") return ((await (await fetch(`${options.url}/stats`)).json()) as { pending: number }).pending;
    const text = await (await fetch(`${options.url}/metrics`)).text();
    const line = /^longpoll_pending(?:\{[^}]*\})? (\d+)/m.exec(text);
    return line ? Number(line[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * `longpoll`: N followers parked on the results feed, then `rounds` results
 * recorded one by one; each must wake every follower. Wake-up latency is
 * measured from the moment the recording POST was sent.
 */
export async function runLongPoll(options: LongPollScenarioOptions): Promise<LongPollScenarioReport> {
  const rounds = options.rounds ?? 5;
  const wakeUp = new LatencySamples();
  const sinceRecorded = new LatencySamples();
  const sentAt = new Map<string, number>();
  const received = new Map<string, number>();
  let errors = 0;
  const stop = new AbortController();

  const onResult = (matchId: string, recordedAt: string) => {
    const now = Date.now();
    const sent = sentAt.get(matchId);
    if (sent === undefined) return;
    wakeUp.add(now - sent);
    sinceRecorded.add(now - Date.parse(recordedAt));
    received.set(matchId, (received.get(matchId) ?? 0) + 1);
  };

  const indexes = Array.from({ length: options.clients }, (_, i) => i);
  if (options.target === "ours") {
    await pool(indexes, 50, async (i) => {
      const client = createClient({ url: options.url, onListenerError: () => errors++ });
      await client.auth.signInAsGuest(`poller-${i}`);
      void (async () => {
        try {
          for await (const result of client.matches.feed({ signal: stop.signal, wait: 25 })) onResult(result.matchId, result.recordedAt);
        } catch {
          if (!stop.signal.aborted) errors++;
        }
      })();
    });
  } else {
    for (const _ of indexes) {
      void (async () => {
        while (!stop.signal.aborted) {
          try {
            const response = await fetch(`${options.url}/poll`, { signal: stop.signal });
            if (response.status === 200) {
              const body = (await response.json()) as { result: MatchResult; recordedAt: string };
              onResult(body.result.matchId, body.recordedAt);
            } else await response.arrayBuffer();
          } catch {
            if (!stop.signal.aborted) errors++;
          }
        }
      })();
    }
  }
  await until(async () => (await pendingOf(options)) >= options.clients, 60_000, 250);
  const parked = await pendingOf(options);

  const window = new CpuWindow(options.serverPid);
  const post = async (result: MatchResult) => {
    const path = options.target === "ours" ? "/v1/admin/match-results" : "/result";
    const response = await fetch(`${options.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-admin-key": options.adminKey ?? "" },
      body: JSON.stringify(result),
    });
    await response.arrayBuffer();
    if (!response.ok) errors++;
  };
  const intervalMs = options.intervalMs ?? 2000;
  for (let round = 0; round < rounds; round++) {
    const roundStarted = Date.now();
    const result = makeLoadResult();
    sentAt.set(result.matchId, Date.now());
    await post(result);
    await until(() => (received.get(result.matchId) ?? 0) >= parked, 15_000, 20);
    options.onProgress?.(`[longpoll ${options.target}] round ${round + 1}/${rounds}: woke ${received.get(result.matchId) ?? 0}/${parked} p99=${wakeUp.summary().p99.toFixed(1)}ms`);
    // Everyone polls again before the next result.
    await until(async () => (await pendingOf(options)) >= parked, 15_000, 100);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, roundStarted + intervalMs - Date.now())));
  }
  const stats = window.finish();
  stop.abort();
  return {
    scenario: "longpoll",
    target: options.target,
    clients: options.clients,
    parked,
    rounds,
    wakeups: [...received.values()].reduce((a, b) => a + b, 0),
    wakeUpMs: wakeUp.summary(),
    sinceRecordedMs: sinceRecorded.summary(),
    errors,
    window: stats,
  };
}
