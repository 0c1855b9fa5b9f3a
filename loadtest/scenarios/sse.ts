import { createClient, readSseBody, SseParser, type LeaderboardSubscription } from "../../client-sdk/index.ts";
import { CpuWindow, pool, until, type WindowStats } from "../gen-cpu.ts";
import { LatencySamples } from "../latency.ts";

export interface SseScenarioOptions {
  /** `ours`: the project server (SDK subscribers, admin API writes); `naive`: baseline/naive-server.ts sse (raw fetch). */
  target: "ours" | "naive";
  url: string;
  /** Needed for `ours` (X-Admin-Key of the spawned server). */
  adminKey?: string;
  clients: number;
  /** Score changes per second. */
  rate: number;
  durationSeconds: number;
  /** Rows each subscriber keeps. @default 10 */
  top?: number;
  /** The spawned server's pid, for CPU/RSS from /proc. */
  serverPid?: number;
  onProgress?: (line: string) => void;
}

export interface SseScenarioReport {
  scenario: "sse";
  target: "ours" | "naive";
  clients: number;
  connected: number;
  rateHz: number;
  durationSeconds: number;
  writesSent: number;
  writeErrors: number;
  /** Events (deltas/snapshots after the first) received, all subscribers together. */
  eventsReceived: number;
  /** Receive time − the event's server `ts` (ms since the epoch, same machine clock). */
  fanOutMs: ReturnType<LatencySamples["summary"]>;
  errors: number;
  disconnects: number;
  /** Subscriptions that fell back to long polling (SSE looked buffered). */
  fallbacks: number;
  window: WindowStats;
}

const OWNERS = 50;

/**
 * `sse`: N subscribers on one board while scores change at `rate` Hz.
 * Every write gives the next-highest score to one of 50 owners, so every
 * change moves the visible top N. Latency is measured on every event after
 * each subscriber's initial snapshot.
 */
export async function runSse(options: SseScenarioOptions): Promise<SseScenarioReport> {
  const top = options.top ?? 10;
  const latency = new LatencySamples();
  let eventsReceived = 0;
  let errors = 0;
  let disconnects = 0;
  let fallbacks = 0;
  let connected = 0;
  let writesSent = 0;
  let writeErrors = 0;
  let score = 1000;
  const boardId = `loadtest-sse-${Date.now().toString(36)}`;
  const closers: (() => void)[] = [];

  const adminHeaders = { "content-type": "application/json", "x-admin-key": options.adminKey ?? "" };
  const write = async (records: { ownerId: string; name: string; score: number }[]) => {
    const path = options.target === "ours" ? `/v1/admin/leaderboards/${boardId}/records` : "/records";
    const response = await fetch(`${options.url}${path}`, { method: "POST", headers: adminHeaders, body: JSON.stringify({ records }) });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`score write answered ${response.status}`);
  };

  // A fresh board with 50 owners, so every snapshot has a full top N.
  if (options.target === "ours") {
    const created = await fetch(`${options.url}/v1/admin/leaderboards`, { method: "POST", headers: adminHeaders, body: JSON.stringify({ id: boardId, operator: "best" }) });
    if (!created.ok) throw new Error(`creating the board answered ${created.status}: ${await created.text()}`);
  }
  await write(Array.from({ length: OWNERS }, (_, i) => ({ ownerId: `owner-${i}`, name: `Owner ${i}`, score: score++ })));

  const onEvent = (ts: number, initial: boolean) => {
    if (initial) return;
    eventsReceived++;
    latency.add(Date.now() - ts);
  };

  const indexes = Array.from({ length: options.clients }, (_, i) => i);
  if (options.target === "ours") {
    const client = createClient({ url: options.url, onListenerError: () => errors++ });
    for (const i of indexes) {
      let first = true;
      const sub: LeaderboardSubscription = client.leaderboards.subscribe(boardId, { top }, (message) => {
        if (first) connected++;
        onEvent(message.data.ts, first);
        first = false;
      });
      void i;
      sub.on("state", ({ to }) => {
        if (to === "reconnecting") disconnects++;
      });
      sub.on("retry", () => errors++);
      sub.on("transport", ({ reason }) => {
        if (reason === "fallback") fallbacks++;
      });
      closers.push(() => sub.close());
    }
  } else {
    await pool(indexes, 200, async () => {
      const controller = new AbortController();
      closers.push(() => controller.abort());
      try {
        const response = await fetch(`${options.url}/stream`, { headers: { accept: "text/event-stream" }, signal: controller.signal });
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        let first = true;
        const parser = new SseParser({
          onEvent: (event) => {
            if (first) connected++;
            onEvent((JSON.parse(event.data) as { ts: number }).ts, first);
            first = false;
          },
        });
        readSseBody(response.body, parser, () => {}).then(
          () => {
            if (!controller.signal.aborted) disconnects++;
          },
          () => {
            if (!controller.signal.aborted) disconnects++;
          },
        );
      } catch {
        if (!controller.signal.aborted) errors++;
      }
    });
  }
  await until(() => connected >= options.clients, 60_000);

  const window = new CpuWindow(options.serverPid);
  const started = Date.now();
  const writer = setInterval(() => {
    writesSent++;
    const owner = Math.floor(Math.random() * OWNERS);
    write([{ ownerId: `owner-${owner}`, name: `Owner ${owner}`, score: score++ }]).catch(() => writeErrors++);
  }, 1000 / options.rate);
  const progress = setInterval(() => {
    const s = latency.summary();
    options.onProgress?.(
      `[sse ${options.target}] t=${Math.round((Date.now() - started) / 1000)}s connected=${connected} events=${eventsReceived} p50=${s.p50?.toFixed(1)}ms p99=${s.p99?.toFixed(1)}ms errors=${errors} disconnects=${disconnects}`,
    );
  }, 1000);
  await new Promise((resolve) => setTimeout(resolve, options.durationSeconds * 1000));
  clearInterval(writer);
  // Let the last events land before the window closes.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  clearInterval(progress);
  const stats = window.finish();
  for (const close of closers) close();
  return {
    scenario: "sse",
    target: options.target,
    clients: options.clients,
    connected,
    rateHz: options.rate,
    durationSeconds: options.durationSeconds,
    writesSent,
    writeErrors,
    eventsReceived,
    fanOutMs: latency.summary(),
    errors,
    disconnects,
    fallbacks,
    window: stats,
  };
}
