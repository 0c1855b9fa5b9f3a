import { createClient, readSseBody, SseParser } from "../../client-sdk/index.ts";
import { pool } from "../gen-cpu.ts";
import { sleepUntil, type PartContext, type PartRunner, type PartSink, type SseClientTask, type Target } from "../client-host.ts";
import { CLIENTS_PER_AGENT, groupFetch } from "../http-agents.ts";
import { countingFetch } from "../wire.ts";

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
 * fallback); `naive`: raw fetch + the SDK's SSE parser against the naive
 * full-snapshot server. With `observeEvery` K > 1 only every K-th
 * subscriber is that; the others are raw readers of the same stream on both
 * targets (the SDK's SSE parser, events counted, not parsed). Fan-out latency = receive time − the event's server
 * `ts` (same machine clock), on every event after a subscriber's first.
 * Body bytes are counted by the fetch both use.
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

  const onEvent = (ts: number | undefined, first: boolean) => {
    if (first) return settle();
    sink.messages++;
    if (ts !== undefined) sink.latency.add(Date.now() - ts);
  };
  const indexes = Array.from({ length: task.count }, (_, i) => task.first + i);
  // Decode cost sampling (--observe-every K): only every K-th subscriber
  // parses events and measures; the others read the same stream through the
  // SDK's SSE parser and count events, on both targets alike.
  const observes = (index: number) => index % task.observeEvery === 0;

  /** A raw stream reader (fetch + the SDK's SSE parser); `measure` parses each event's `ts`. */
  const connectRaw = async (index: number, url: string, measure: boolean) => {
    await sleepUntil(context.startTime(index, task.totalClients));
    if (context.stopping) return settle();
    const controller = new AbortController();
    closers.push(() => controller.abort());
    let first = true;
    try {
      const response = await fetchFor(index)(url, { headers: { accept: "text/event-stream" }, signal: controller.signal });
      if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
      sink.connected++;
      const parser = new SseParser({
        onEvent: (event) => {
          onEvent(measure ? (JSON.parse(event.data) as { ts: number }).ts : undefined, first);
          first = false;
        },
      });
      const ended = () => {
        sink.connected--;
        if (!controller.signal.aborted) sink.disconnects++;
      };
      readSseBody(response.body, parser, () => {}).then(ended, ended);
    } catch (error) {
      if (!controller.signal.aborted) sink.fail("stream", error);
      if (first) {
        first = false;
        settle();
      }
    }
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
        let first = true;
        const sub = clientFor(index).leaderboards.subscribe(task.boardId, { top: task.top }, (message) => {
          onEvent(message.data.ts, first);
          first = false;
        });
        sub.on("state", ({ from, to }) => {
          if (to === "open") sink.connected++;
          if (from === "open") sink.connected--;
          if (to === "reconnecting" && !context.stopping) sink.disconnects++;
          if (to === "closed" && first) {
            first = false;
            settle();
          }
        });
        sub.on("retry", ({ error }) => sink.fail("retry", error));
        sub.on("transport", ({ reason }) => {
          if (reason === "fallback") sink.count("fallbacks");
        });
        closers.push(() => sub.close());
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
