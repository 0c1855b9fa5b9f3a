import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import {
  createClient,
  type FetchLike,
  type LeaderboardSubscription,
  type MatchFeed,
  type RoomConnection,
  type StateChange,
} from "../client-sdk/index.ts";
import { arenaProxyConfig, freePort, startNginx } from "./nginx.ts";
import { makeLoadResult } from "./scenarios/longpoll.ts";
import { spawnServer } from "./spawn-server.ts";

/**
 * `npm run proxy:check -- [--timeout 10] [--duration 60] [--subscribers 200]
 * [--polls 200] [--rooms 20]`
 *
 * The proxy test's nginx setup (loadtest/nginx.ts, the config in
 * docs/operations.md) at production ratios with a short `proxy_read_timeout`:
 * the server (its own process) runs with STREAM_HEARTBEAT_MS = timeout / 2
 * and LONG_POLL_MAX_WAIT_SECONDS = timeout − 2 s (production: 15 s and 25 s
 * behind 60–75 s). Through nginx for `--duration` seconds: N SDK leaderboard
 * subscribers while a score changes every 2 s, N SDK result-feed followers
 * while a result is recorded every 20 s, and R idle game rooms (WebSocket
 * pings only). Prints streams alive, reconnects, 504s, the longest poll hold
 * against the timeout, and what nginx logged. Exit 1 if anything broke.
 */
const { values } = parseArgs({
  options: {
    timeout: { type: "string", default: "10" },
    duration: { type: "string", default: "60" },
    subscribers: { type: "string", default: "200" },
    polls: { type: "string", default: "200" },
    rooms: { type: "string", default: "20" },
  },
});
const timeoutS = Number(values.timeout);
const durationS = Number(values.duration);
const subscriberCount = Number(values.subscribers);
const pollerCount = Number(values.polls);
const roomCount = Number(values.rooms);
for (const [name, value] of Object.entries({ timeout: timeoutS, duration: durationS, subscribers: subscriberCount, polls: pollerCount, rooms: roomCount })) {
  if (!Number.isInteger(value) || value < (name === "rooms" ? 0 : 1)) {
    process.stderr.write(`--${name} must be a whole number (≥ 1, rooms ≥ 0)\n`);
    process.exit(2);
  }
}
if (timeoutS < 4) {
  process.stderr.write("--timeout must be at least 4 (the hold is timeout − 2 s, at least 2 s)\n");
  process.exit(2);
}
const heartbeatMs = Math.round((timeoutS * 1000) / 2);
const holdS = timeoutS - 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++]!);
  }));
}

/** Every HTTP exchange the SDK clients made through the proxy. */
interface Exchange {
  path: string;
  status: number;
  /** Request sent → response headers (for a long poll: its hold). */
  ms: number;
  changed?: boolean;
}
const exchanges: Exchange[] = [];
const recordingFetch: FetchLike = async (input, init) => {
  const started = performance.now();
  const response = await fetch(input, init);
  const entry: Exchange = { path: new URL(input).pathname, status: response.status, ms: performance.now() - started };
  exchanges.push(entry);
  if (entry.path === "/v1/matches/results" && response.ok) {
    response
      .clone()
      .json()
      .then((body: { changed?: boolean }) => (entry.changed = body.changed), () => undefined);
  }
  return response;
};


const adminKey = randomBytes(18).toString("base64url");
const proxyPort = await freePort();
const proxyUrl = `http://127.0.0.1:${proxyPort}`;
const server = await spawnServer({
  ADMIN_KEY: adminKey,
  TOKEN_SECRET: randomBytes(32).toString("hex"),
  STREAM_HEARTBEAT_MS: String(heartbeatMs),
  LONG_POLL_MAX_WAIT_SECONDS: String(holdS),
  STREAMS_PER_CLIENT: "10000",
  STREAMS_PER_IP: "10000",
  POLLS_PER_IP: "10000",
  TRUST_PROXY: "1",
  PUBLIC_ADDRESS: `127.0.0.1:${proxyPort}`,
});
const upstream = new URL(server.httpUrl).host;
const nginx = await startNginx({
  httpBlocks: arenaProxyConfig({ upstreams: [upstream], servers: [{ listen: `127.0.0.1:${proxyPort}`, readTimeout: `${timeoutS}s` }] }),
  ports: [proxyPort],
  workerConnections: 4096,
});

const stop = new AbortController();
let exitCode = 0;
try {
  const admin = async (path: string, body: unknown) => {
    const response = await fetch(`${server.httpUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-admin-key": adminKey },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as { version?: number; result?: { matchId: string } };
  };
  const boardId = `proxy-check-${Date.now().toString(36)}`;
  await admin("/v1/admin/leaderboards", { id: boardId, operator: "best" });
  let score = 1000;
  await admin(`/v1/admin/leaderboards/${boardId}/records`, { records: Array.from({ length: 20 }, (_, i) => ({ ownerId: `owner-${i}`, name: `Owner ${i}`, score: score++ })) });

  // Subscribers: one SDK client, N subscriptions (each its own SSE connection through nginx).
  const viewer = createClient({ url: proxyUrl, fetch: recordingFetch });
  const subscriptions: { sub: LeaderboardSubscription; states: StateChange[]; retries: number; fallbacks: number; version: number }[] = [];
  for (let i = 0; i < subscriberCount; i++) {
    const entry = { sub: undefined as unknown as LeaderboardSubscription, states: [] as StateChange[], retries: 0, fallbacks: 0, version: -1 };
    entry.sub = viewer.leaderboards.subscribe(boardId, { top: 10, heartbeatMs, signal: stop.signal }, (_message, table) => (entry.version = table.version));
    entry.sub.on("state", (change) => entry.states.push(change));
    entry.sub.on("retry", () => entry.retries++);
    entry.sub.on("transport", () => entry.fallbacks++);
    subscriptions.push(entry);
  }

  // Pollers: one signed-in SDK client each, following the results feed from the head.
  const head = await (await fetch(`${server.httpUrl}/v1/matches/results`, { headers: { authorization: `Bearer ${(await guest("head"))}` } })).json() as { cursor: string };
  const received = new Map<string, number>();
  let duplicates = 0;
  let pollerErrors = 0;
  await pool(Array.from({ length: pollerCount }, (_, i) => i), 50, async (i) => {
    const client = createClient({ url: proxyUrl, fetch: recordingFetch });
    await client.auth.signInAsGuest(`poller-${i}`);
    const feed: MatchFeed = client.matches.feed({ after: head.cursor, signal: stop.signal });
    void (async () => {
      const seen = new Set<string>();
      try {
        for await (const result of feed) {
          if (seen.has(result.matchId)) duplicates++;
          seen.add(result.matchId);
          received.set(result.matchId, (received.get(result.matchId) ?? 0) + 1);
        }
      } catch {
        if (!stop.signal.aborted) pollerErrors++;
      }
    })();
  });

  // Idle game rooms: waiting for an opponent, nothing but WebSocket pings crosses nginx.
  const rooms: { room: RoomConnection<any>; states: StateChange[] }[] = [];
  await pool(Array.from({ length: roomCount }, (_, i) => i), 20, async (i) => {
    const client = createClient({ url: proxyUrl });
    await client.auth.signInAsGuest(`idler-${i}`);
    const room = await client.rooms.game.create({ teamSize: 1, private: true });
    const entry = { room, states: [] as StateChange[] };
    room.on("state", (change) => entry.states.push(change));
    rooms.push(entry);
  });

  process.stdout.write(
    `proxy check: nginx proxy_read_timeout ${timeoutS}s, STREAM_HEARTBEAT_MS ${heartbeatMs}, LONG_POLL_MAX_WAIT_SECONDS ${holdS}; ` +
      `${subscriberCount} SSE subscribers, ${pollerCount} feed pollers, ${roomCount} idle rooms for ${durationS} s\n`,
  );
  const started = Date.now();
  const recorded: string[] = [];
  let writes = 0;
  let lastVersion = -1;
  // Results 20 s apart: between two, every poller's holds end with no change (the holds measured).
  let nextResultAt = started + 10_000;
  while (Date.now() - started < durationS * 1000) {
    await sleep(2000);
    const answer = await admin(`/v1/admin/leaderboards/${boardId}/records`, { records: [{ ownerId: `owner-${writes % 20}`, name: `Owner ${writes % 20}`, score: score++ }] });
    writes++;
    if (typeof answer.version === "number") lastVersion = Math.max(lastVersion, answer.version);
    if (Date.now() >= nextResultAt) {
      nextResultAt += 20_000;
      const result = makeLoadResult();
      await admin("/v1/admin/match-results", result);
      recorded.push(result.matchId);
    }
    if (process.stdout.isTTY) process.stdout.write(`\r${Math.round((Date.now() - started) / 1000)} s…`);
  }
  // The last change and result get a moment to arrive.
  const settle = Date.now() + 5000;
  while (Date.now() < settle && recorded.some((id) => (received.get(id) ?? 0) < pollerCount)) await sleep(100);
  const boardVersion = (await (await fetch(`${server.httpUrl}/v1/leaderboards/${boardId}?limit=1`)).json()) as { version: number };
  await sleep(Math.min(2000, settle - Date.now() > 0 ? settle - Date.now() : 0));

  // What the clients saw.
  const alive = subscriptions.filter((s) => s.sub.state === "open" && s.sub.transport === "sse").length;
  const reconnects = subscriptions.reduce((n, s) => n + s.states.filter((c) => c.to === "reconnecting").length, 0);
  const retries = subscriptions.reduce((n, s) => n + s.retries, 0);
  const fallbacks = subscriptions.reduce((n, s) => n + s.fallbacks, 0);
  const upToDate = subscriptions.filter((s) => s.version === boardVersion.version).length;
  const streamRequests = exchanges.filter((e) => e.path.endsWith("/stream")).length;
  const feedPolls = exchanges.filter((e) => e.path === "/v1/matches/results");
  const holds = feedPolls.filter((e) => e.changed === false && e.status === 200).map((e) => e.ms).sort((a, b) => a - b);
  const statusCounts = (list: Exchange[]) => Object.entries(list.reduce<Record<string, number>>((acc, e) => ((acc[e.status] = (acc[e.status] ?? 0) + 1), acc), {})).map(([s, n]) => `${s}×${n}`).join(" ");
  const deliveries = recorded.map((id) => received.get(id) ?? 0);
  const roomsOpen = rooms.filter((r) => r.room.status === "open").length;
  const roomDrops = rooms.reduce((n, r) => n + r.states.filter((c) => c.to === "reconnecting").length, 0);

  stop.abort();
  await Promise.all(rooms.map((r) => r.room.leave().catch(() => undefined)));
  await sleep(300);
  const access = nginx.accessLog().split("\n").filter(Boolean);
  const nginxStatuses = access.reduce<Record<string, number>>((acc, line) => {
    const status = /" (\d{3}) /.exec(line)?.[1] ?? "?";
    acc[status] = (acc[status] ?? 0) + 1;
    return acc;
  }, {});
  const timedOut = nginx.errorLog().split("\n").filter((line) => line.includes("timed out")).length;
  // The hold as nginx saw it: how long the arena took to answer each feed poll.
  const upstreamHolds = access
    .filter((line) => line.includes('"GET /v1/matches/results?') && line.includes('" 200 '))
    .map((line) => Number(/upstream=([\d.]+)/.exec(line)?.[1]))
    .filter((s) => Number.isFinite(s))
    .sort((a, b) => a - b);
  const p = (q: number) => (holds.length ? holds[Math.min(holds.length - 1, Math.floor(q * holds.length))]! : 0);

  const rows: [string, string][] = [
    ["SSE streams alive at the end", `${alive} / ${subscriberCount} (stream requests: ${streamRequests}, reconnects: ${reconnects}, retries: ${retries}, fallbacks to polling: ${fallbacks})`],
    ["SSE subscribers up to date", `${upToDate} / ${subscriberCount} at board version ${boardVersion.version} after ${writes} score changes`],
    ["feed polls answered", `${feedPolls.length} (${statusCounts(feedPolls)}), no-change holds: ${holds.length}`],
    ["poll hold, nginx's view", `max ${(upstreamHolds.at(-1) ?? 0).toFixed(2)} s upstream response time of ${upstreamHolds.length} feed polls vs proxy_read_timeout ${timeoutS} s (LONG_POLL_MAX_WAIT_SECONDS ${holdS})`],
    ["poll hold, clients' view", `no-change answers: p50 ${(p(0.5) / 1000).toFixed(2)} s, max ${((holds.at(-1) ?? 0) / 1000).toFixed(2)} s (request to answer, incl. event-loop delays)`],
    ["results delivered", `${recorded.length} results × ${pollerCount} pollers: min ${Math.min(...deliveries)} max ${Math.max(...deliveries)} per result, duplicates ${duplicates}, poller errors ${pollerErrors}`],
    ["idle rooms open at the end", `${roomsOpen} / ${roomCount} (WebSocket drops: ${roomDrops})`],
    ["504s (clients / nginx log)", `${exchanges.filter((e) => e.status === 504).length} / ${nginxStatuses["504"] ?? 0}`],
    ["nginx access log statuses", Object.entries(nginxStatuses).map(([s, n]) => `${s}×${n}`).join(" ")],
    ["nginx `upstream timed out`", String(timedOut)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  if (process.stdout.isTTY) process.stdout.write("\r\x1b[2K");
  for (const [key, value] of rows) process.stdout.write(`${key.padEnd(width)}  ${value}\n`);

  const healthy =
    alive === subscriberCount &&
    reconnects === 0 &&
    fallbacks === 0 &&
    upToDate === subscriberCount &&
    deliveries.every((n) => n === pollerCount) &&
    duplicates === 0 &&
    pollerErrors === 0 &&
    roomsOpen === roomCount &&
    roomDrops === 0 &&
    (nginxStatuses["504"] ?? 0) === 0 &&
    timedOut === 0 &&
    (upstreamHolds.at(-1) ?? 0) < timeoutS;
  process.stdout.write(healthy ? "proxy check: OK\n" : "proxy check: FAILED\n");
  if (!healthy) exitCode = 1;
} catch (error) {
  process.stderr.write(`proxy check failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  exitCode = 1;
} finally {
  stop.abort();
  await nginx.stop();
  await server.stop();
}
process.exit(exitCode);

async function guest(name: string): Promise<string> {
  const response = await fetch(`${server.httpUrl}/v1/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
  return ((await response.json()) as { token: string }).token;
}
