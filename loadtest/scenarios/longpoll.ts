import { createClient } from "../../client-sdk/index.ts";
import type { MatchResult } from "../../shared/index.ts";
import { pool } from "../gen-cpu.ts";
import { epochNow, sleepUntil, type LongPollClientTask, type PartContext, type PartRunner, type PartSink, type Target } from "../client-host.ts";
import { LatencySamples } from "../latency.ts";
import { groupFetch } from "../http-agents.ts";
import { countingFetch } from "../wire.ts";

/** Sign-ins at once when there is no ramp (each SDK poller is its own guest player). */
const SIGN_INS_AT_ONCE = 50;

/** Main → long-poll clients: this result's POST was sent at `at` (epoch ms), so wake-ups can be timed. */
export interface ResultSent {
  matchId: string;
  at: number;
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

/** Long polls parked on the server right now (`longpoll_pending` from /metrics; the naive server's /stats). */
export async function parkedPolls(target: Target, url: string, unreadable = 0): Promise<number> {
  try {
    if (target === "naive") return ((await (await fetch(`${url}/stats`)).json()) as { pending: number }).pending;
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = /^longpoll_pending(?:\{[^}]*\})? (\d+)/m.exec(text);
    return line ? Number(line[1]) : unreadable;
  } catch {
    return unreadable;
  }
}

/** Records one result (main thread): the admin API (ours) or the naive server's POST /result. */
export async function postResult(target: Target, url: string, adminKey: string | undefined, result: MatchResult): Promise<boolean> {
  const path = target === "ours" ? "/v1/admin/match-results" : "/result";
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-admin-key": adminKey ?? "" },
    body: JSON.stringify(result),
  });
  await response.arrayBuffer();
  return response.ok;
}

/**
 * `longpoll`, client side: this thread's followers of the results feed.
 * `ours`: each its own SDK client and guest (`client.matches.feed`, long
 * polling); `naive`: raw fetch loops on the naive server's `GET /poll`.
 * With `observeEvery` K > 1 only every K-th follower of ours is an SDK
 * feed; the others sign in with the SDK and follow the same feed with raw
 * fetch loops (`GET /v1/matches/results?after=…`), so the generator does
 * the same work per wake-up on both targets.
 * Each result received counts `woken:<matchId>`; its wake-up latency is
 * receive time − the POST's send time (from the main thread's `ResultSent`,
 * which may arrive after the result itself: such wake-ups wait for it).
 * `latency2`: receive time − the result's `recordedAt` (server clock).
 */
export function startLongPollClients(task: LongPollClientTask, sink: PartSink, context: PartContext): PartRunner {
  // One controller per poller: thousands of listeners on one shared signal make every addEventListener O(N).
  const controllers: AbortController[] = [];
  let stopped = false;
  const sent = new Map<string, number>();
  const early = new Map<string, number[]>();
  sink.latency2 = new LatencySamples(50_000);
  let settled = 0;
  const settle = () => {
    if (++settled >= task.count) sink.ready = true;
  };
  if (task.count === 0) sink.ready = true;

  const onResult = (matchId: string, recordedAt: string) => {
    const now = epochNow();
    sink.messages++;
    sink.count(`woken:${matchId}`);
    sink.latency2!.add(Date.now() - Date.parse(recordedAt));
    const at = sent.get(matchId);
    if (at !== undefined) sink.latency.add(now - at);
    else early.set(matchId, [...(early.get(matchId) ?? []), now]);
  };

  const follow = async (loop: () => Promise<void>) => {
    sink.connected++;
    settle();
    try {
      await loop();
    } catch (error) {
      if (!stopped) sink.fail("feed", error);
    } finally {
      sink.connected--;
    }
  };

  const start = async (index: number) => {
    await sleepUntil(context.startTime(index, task.totalClients));
    if (context.stopping) return settle();
    const stop = new AbortController();
    controllers.push(stop);
    // One fetch (undici Agent) per group of pollers: see http-agents.ts.
    const fetchImpl = countingFetch(sink, groupFetch(index, task.url));
    if (task.target === "ours") {
      const client = createClient({ url: task.url, fetch: fetchImpl, onListenerError: (error) => sink.fail("listener", error) });
      // A few tries: thousands of sign-ins at once can time out on a busy machine; only the last failure is an error.
      for (let attempt = 1; ; attempt++) {
        try {
          await client.auth.signInAsGuest(`poller-${index}`);
          break;
        } catch (error) {
          if (context.stopping) return settle();
          if (attempt >= 3) {
            sink.fail("sign-in", error);
            return settle();
          }
          sink.count("signInRetries");
          await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
        }
      }
      if (index % task.observeEvery === 0) {
        void follow(async () => {
          for await (const result of client.matches.feed({ signal: stop.signal, wait: 25 })) onResult(result.matchId, result.recordedAt);
        });
      } else {
        // A raw follower of the same feed (its own guest token): fetch + JSON, as the naive pollers.
        const headers = { authorization: `Bearer ${client.auth.token}` };
        void follow(async () => {
          let cursor: string | undefined;
          while (!stop.signal.aborted) {
            try {
              const query = cursor === undefined ? "wait=0" : `after=${encodeURIComponent(cursor)}&wait=25`;
              const response = await fetchImpl(`${task.url}/v1/matches/results?${query}`, { headers, signal: stop.signal });
              if (response.status !== 200) throw new Error(`feed answered ${response.status}: ${await response.text()}`);
              const body = (await response.json()) as { cursor: string; results: { matchId: string; recordedAt: string }[] };
              if (cursor !== undefined) for (const result of body.results) onResult(result.matchId, result.recordedAt);
              cursor = body.cursor;
            } catch (error) {
              if (stop.signal.aborted) return;
              sink.fail("poll", error);
              await new Promise((resolve) => setTimeout(resolve, 250)); // a dead server must not spin this loop
            }
          }
        });
      }
    } else {
      void follow(async () => {
        while (!stop.signal.aborted) {
          try {
            const response = await fetchImpl(`${task.url}/poll`, { signal: stop.signal });
            if (response.status === 200) {
              const body = (await response.json()) as { result: MatchResult; recordedAt: string };
              onResult(body.result.matchId, body.recordedAt);
            } else await response.arrayBuffer();
          } catch (error) {
            if (stop.signal.aborted) return;
            sink.fail("poll", error);
            await new Promise((resolve) => setTimeout(resolve, 250)); // a dead server must not spin this loop
          }
        }
      });
    }
  };

  const indexes = Array.from({ length: task.count }, (_, i) => task.first + i);
  const ramped = context.startTime(task.totalClients, task.totalClients) > context.startTime(0, task.totalClients);
  if (ramped) for (const index of indexes) void start(index);
  else void pool(indexes, task.target === "ours" ? SIGN_INS_AT_ONCE : indexes.length, start);

  return {
    control(payload) {
      const { matchId, at } = payload as ResultSent;
      sent.set(matchId, at);
      for (const receivedAt of early.get(matchId) ?? []) sink.latency.add(receivedAt - at);
      early.delete(matchId);
    },
    async stop() {
      stopped = true;
      for (const controller of controllers) controller.abort();
    },
  };
}
