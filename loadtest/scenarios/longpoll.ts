import { createClient, type FetchLike } from "../../client-sdk/index.ts";
import type { MatchResult } from "../../shared/index.ts";
import { pool } from "../gen-cpu.ts";
import { epochNow, sleepUntil, type LongPollClientTask, type PartContext, type PartRunner, type PartSink, type Target } from "../client-host.ts";
import { LatencySamples } from "../latency.ts";
import { groupFetch } from "../http-agents.ts";
import { countingFetch } from "../wire.ts";

/** Sign-ins at once when there is no ramp (each SDK poller is its own guest player). */
const SIGN_INS_AT_ONCE = 50;
/** Tries per sign-in: thousands at once can time out on a busy machine; only the last failure is an error. */
const SIGN_IN_ATTEMPTS = 3;
/** The `wait` of every follower's poll (seconds): the server's longest hold by default. */
const POLL_WAIT_SECONDS = 25;
/** After a failed poll, wait this long before the next (a dead server must not spin the loop). */
const POLL_ERROR_PAUSE_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    // Only the gauge: a full scrape walks every socket (~30 ms at 10,000), and this is read 4 times a second between rounds.
    const text = await (await fetch(`${url}/metrics?name=longpoll_pending`)).text();
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
  const followers = new LongPollFollowers(task, sink, context);
  const indexes = Array.from({ length: task.count }, (_, i) => task.first + i);
  const ramped = context.startTime(task.totalClients, task.totalClients) > context.startTime(0, task.totalClients);
  if (ramped) for (const index of indexes) void followers.start(index);
  else void pool(indexes, task.target === "ours" ? SIGN_INS_AT_ONCE : indexes.length, (index) => followers.start(index));
  return followers;
}

class LongPollFollowers implements PartRunner {
  readonly #task: LongPollClientTask;
  readonly #sink: PartSink;
  readonly #context: PartContext;
  /** One controller per poller: thousands of listeners on one shared signal make every addEventListener O(N). */
  readonly #controllers: AbortController[] = [];
  #stopped = false;
  /** When each result's POST was sent (from the main thread). */
  readonly #sent = new Map<string, number>();
  /** Wake-ups that arrived before their `ResultSent`. */
  readonly #early = new Map<string, number[]>();
  #settled = 0;

  constructor(task: LongPollClientTask, sink: PartSink, context: PartContext) {
    this.#task = task;
    this.#sink = sink;
    this.#context = context;
    sink.latency2 = new LatencySamples(50_000);
    if (task.count === 0) sink.ready = true;
  }

  control(payload: unknown): void {
    const { matchId, at } = payload as ResultSent;
    this.#sent.set(matchId, at);
    for (const receivedAt of this.#early.get(matchId) ?? []) this.#sink.latency.add(receivedAt - at);
    this.#early.delete(matchId);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const controller of this.#controllers) controller.abort();
  }

  /** Follower `index` (global): at its start time, signs in (ours) and follows the feed until stopped. */
  async start(index: number): Promise<void> {
    const task = this.#task;
    await sleepUntil(this.#context.startTime(index, task.totalClients));
    if (this.#context.stopping) return this.#settle();
    const stop = new AbortController();
    this.#controllers.push(stop);
    // One fetch (undici Agent) per group of pollers: see http-agents.ts.
    const fetchImpl = countingFetch(this.#sink, groupFetch(index, task.url, { oneConnectionEach: true }));
    if (task.target === "naive") return void this.#follow(() => this.#pollNaive(fetchImpl, stop.signal));
    const client = createClient({ url: task.url, fetch: fetchImpl, onListenerError: (error) => this.#sink.fail("listener", error) });
    if (!(await this.#signIn(client, index))) return this.#settle();
    if (index % task.observeEvery === 0) {
      void this.#follow(async () => {
        for await (const result of client.matches.feed({ signal: stop.signal, wait: POLL_WAIT_SECONDS })) this.#onResult(result.matchId, result.recordedAt);
      });
    } else {
      // A raw follower of the same feed (its own guest token): fetch + JSON, as the naive pollers.
      void this.#follow(() => this.#pollFeed(fetchImpl, `Bearer ${client.auth.token}`, stop.signal));
    }
  }

  #settle(): void {
    if (++this.#settled >= this.#task.count) this.#sink.ready = true;
  }

  async #signIn(client: ReturnType<typeof createClient>, index: number): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.auth.signInAsGuest(`poller-${index}`);
        return true;
      } catch (error) {
        if (this.#context.stopping) return false;
        if (attempt >= SIGN_IN_ATTEMPTS) {
          this.#sink.fail("sign-in", error);
          return false;
        }
        this.#sink.count("signInRetries");
        await sleep(1000 * attempt);
      }
    }
  }

  #onResult(matchId: string, recordedAt: string): void {
    const now = epochNow();
    const sink = this.#sink;
    sink.messages++;
    sink.count(`woken:${matchId}`);
    sink.latency2!.add(Date.now() - Date.parse(recordedAt));
    const at = this.#sent.get(matchId);
    if (at !== undefined) sink.latency.add(now - at);
    else this.#early.set(matchId, [...(this.#early.get(matchId) ?? []), now]);
  }

  async #follow(loop: () => Promise<void>): Promise<void> {
    this.#sink.connected++;
    this.#settle();
    try {
      await loop();
    } catch (error) {
      if (!this.#stopped) this.#sink.fail("feed", error);
    } finally {
      this.#sink.connected--;
    }
  }

  /** Ours, raw: `GET /v1/matches/results?after=…&wait=…` in a loop. */
  async #pollFeed(fetchImpl: FetchLike, authorization: string, signal: AbortSignal): Promise<void> {
    let cursor: string | undefined;
    while (!signal.aborted) {
      try {
        const query = cursor === undefined ? "wait=0" : `after=${encodeURIComponent(cursor)}&wait=${POLL_WAIT_SECONDS}`;
        const response = await fetchImpl(`${this.#task.url}/v1/matches/results?${query}`, { headers: { authorization }, signal });
        if (response.status !== 200) throw new Error(`feed answered ${response.status}: ${await response.text()}`);
        const body = (await response.json()) as { cursor: string; results: { matchId: string; recordedAt: string }[] };
        if (cursor !== undefined) for (const result of body.results) this.#onResult(result.matchId, result.recordedAt);
        cursor = body.cursor;
      } catch (error) {
        if (signal.aborted) return;
        this.#sink.fail("poll", error);
        await sleep(POLL_ERROR_PAUSE_MS);
      }
    }
  }

  /** The naive server: `GET /poll` in a loop. */
  async #pollNaive(fetchImpl: FetchLike, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const response = await fetchImpl(`${this.#task.url}/poll`, { signal });
        if (response.status === 200) {
          const body = (await response.json()) as { result: MatchResult; recordedAt: string };
          this.#onResult(body.result.matchId, body.recordedAt);
        } else await response.arrayBuffer();
      } catch (error) {
        if (signal.aborted) return;
        this.#sink.fail("poll", error);
        await sleep(POLL_ERROR_PAUSE_MS);
      }
    }
  }
}
