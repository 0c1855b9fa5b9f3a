import { createClient } from "../../client-sdk/index.ts";
import { pool } from "../gen-cpu.ts";
import { sleepUntil, type PartContext, type PartRunner, type PartSink, type SseClientTask, type Target } from "../client-host.ts";
import { CLIENTS_PER_AGENT, groupFetch } from "../http-agents.ts";
import { countingFetch } from "../wire.ts";
import { EventTally, ResumingSseReader } from "./sse-reader.ts";

/** Owners on the board: every write gives one of them the next-highest score, so every change moves the visible top N. */
export const SSE_OWNERS = 50;

/** Naive subscribers connecting at once when there is no ramp. */
const NAIVE_CONNECTS_AT_ONCE = 200;

/**
 * `sse`, writer side (main thread): a fresh board with SSE_OWNERS owners,
 * then `write()` for each score change. `ours`: the admin API of the
 * project server; `naive`: baseline/naive-server.ts sse.
 */
export async function createSseWriter(options: { target: Target; url: string; adminKey?: string }): Promise<{ boardId: string; write(): Promise<void> }> {
  const boardId = `loadtest-sse-${Date.now().toString(36)}`;
  const headers = { "content-type": "application/json", "x-admin-key": options.adminKey ?? "" };
  let score = 1000;
  const post = async (records: { ownerId: string; name: string; score: number }[]) => {
    const path = options.target === "ours" ? `/v1/admin/leaderboards/${boardId}/records` : "/records";
    const response = await fetch(`${options.url}${path}`, { method: "POST", headers, body: JSON.stringify({ records }) });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`score write answered ${response.status}`);
  };
  if (options.target === "ours") {
    const created = await fetch(`${options.url}/v1/admin/leaderboards`, { method: "POST", headers, body: JSON.stringify({ id: boardId, operator: "best" }) });
    if (!created.ok) throw new Error(`creating the board answered ${created.status}: ${await created.text()}`);
  }
  await post(Array.from({ length: SSE_OWNERS }, (_, i) => ({ ownerId: `owner-${i}`, name: `Owner ${i}`, score: score++ })));
  return {
    boardId,
    write: () => {
      const owner = Math.floor(Math.random() * SSE_OWNERS);
      return post([{ ownerId: `owner-${owner}`, name: `Owner ${owner}`, score: score++ }]);
    },
  };
}

/**
 * `sse`, client side: this thread's subscribers on one board. `ours`: SDK
 * subscriptions (`client.leaderboards.subscribe`, SSE with its long-poll
 * fallback); `naive`: raw readers (fetch + the SDK's SSE parser) against the
 * naive full-snapshot server. With `observeEvery` K > 1 only every K-th
 * subscriber is that; the others are raw readers of the same stream on both
 * targets (events counted, not parsed). Raw readers resume like the SDK
 * (sse-reader.ts), so a long run keeps every subscriber through the server's
 * stream rotations. Fan-out latency = receive time − the event's server `ts`
 * (same machine clock), on every live event after a subscriber's first (not
 * what a resume replays: see EventTally). Body bytes are counted by the fetch both use.
 */
export function startSseClients(task: SseClientTask, sink: PartSink, context: PartContext): PartRunner {
  const closers: (() => void)[] = [];
  // One fetch (undici Agent) per group of subscribers: see http-agents.ts.
  const fetchFor = (index: number) => countingFetch(sink, groupFetch(index, task.url));
  let settled = 0; // subscribers that got their first event or gave up
  const settle = () => {
    if (++settled >= task.count) sink.ready = true;
  };
  if (task.count === 0) sink.ready = true;

  const indexes = Array.from({ length: task.count }, (_, i) => task.first + i);
  // Decode cost sampling (--observe-every K): only every K-th subscriber
  // parses events and measures; the others read the same stream through the
  // SDK's SSE parser and count events, on both targets alike.
  const observes = (index: number) => index % task.observeEvery === 0;

  const connectRaw = async (index: number, url: string, measure: boolean) => {
    await sleepUntil(context.startTime(index, task.totalClients));
    if (context.stopping) return settle();
    const reader = new ResumingSseReader({ url, fetch: fetchFor(index), sink, measure, settle, stopping: () => context.stopping });
    closers.push(() => reader.close());
  };
  const ramped = context.startTime(task.totalClients, task.totalClients) > context.startTime(0, task.totalClients);

  if (task.target === "ours") {
    // One SDK client per Agent group (a client is the app's; its subscriptions share its fetch).
    const clients = new Map<number, ReturnType<typeof createClient>>();
    const clientFor = (index: number) => {
      const group = Math.floor(index / CLIENTS_PER_AGENT);
      let client = clients.get(group);
      if (!client) clients.set(group, (client = createClient({ url: task.url, fetch: fetchFor(index), onListenerError: (error) => sink.fail("listener", error) })));
      return client;
    };
    const streamUrl = `${task.url}/v1/leaderboards/${encodeURIComponent(task.boardId)}/stream?top=${task.top}`;
    for (const index of indexes) {
      if (!observes(index)) {
        void connectRaw(index, streamUrl, false);
        continue;
      }
      void sleepUntil(context.startTime(index, task.totalClients)).then(() => {
        if (context.stopping) return settle();
        closers.push(subscribeCounted(clientFor(index), task, sink, settle, context));
      });
    }
  } else {
    const connect = (index: number) => connectRaw(index, `${task.url}/stream`, observes(index));
    if (ramped) for (const index of indexes) void connect(index);
    else void pool(indexes, NAIVE_CONNECTS_AT_ONCE, connect);
  }

  return {
    async stop() {
      for (const close of closers) close();
    },
  };
}

/**
 * One SDK subscription, counted as a raw reader is (EventTally). The SDK
 * reports a clean server end (rotation) and a failure alike as open →
 * reconnecting (`transport-lost`); only a failure is followed, in the same
 * tick, by a `retry` event (client-sdk/leaderboard-subscription.ts), so a
 * drop without one is a rotation. Returns its closer.
 */
function subscribeCounted(client: ReturnType<typeof createClient>, task: SseClientTask, sink: PartSink, settle: () => void, context: PartContext): () => void {
  const tally = new EventTally(sink, settle);
  let drop: { failed: boolean } | undefined;
  let between = false;
  let wasOpen = false;
  const sub = client.leaderboards.subscribe(task.boardId, { top: task.top }, (message) => {
    if (tally.event(message.event, message.id)) tally.measure(message.data.ts);
  });
  sub.on("state", ({ from, to, reason }) => {
    if (to === "open") {
      sink.connected++;
      if (wasOpen) sink.resumes++;
      tally.opened(wasOpen);
      wasOpen = true;
    }
    if (from === "open") sink.connected--;
    if (from === "reconnecting" && between) {
      between = false;
      sink.resuming--;
    }
    if (from === "open" && to === "reconnecting" && !context.stopping) {
      between = true;
      sink.resuming++;
      if (reason === "transport-upgrade") return; // long polling → SSE again: neither
      const current = (drop = { failed: false });
      queueMicrotask(() => {
        if (drop === current) drop = undefined;
        if (current.failed) sink.disconnects++;
        else sink.rotations++;
      });
    }
    if (to === "closed") tally.giveUp();
  });
  sub.on("retry", ({ error }) => {
    if (drop) drop.failed = true;
    sink.fail("retry", error);
  });
  sub.on("transport", ({ reason }) => {
    if (reason === "fallback") sink.count("fallbacks");
  });
  return () => sub.close();
}
