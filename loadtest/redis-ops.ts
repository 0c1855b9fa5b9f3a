import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { createClient } from "../client-sdk/index.ts";
import { startPrivateRedis } from "./private-redis.ts";
import { spawnServer } from "./spawn-server.ts";

/**
 * `npm run loadtest:redis-ops [-- --matches N --changes N --idle S]`
 *
 * Counts the Redis commands the server issues, for the capacity model in
 * docs/performance.md: a private `redis-server` (a free port, nothing kept
 * on disk), one server process on it, and `INFO commandstats` read around:
 * - an idle window (presence heartbeats, stats, lease renewals) per second;
 * - N real matches (2 SDK players, create → join → play → result → dispose),
 *   per match, with the idle rate over the same time subtracted;
 * - N leaderboard changes (admin writes) while one SSE subscriber watches,
 *   per change, idle subtracted.
 * Prints a table; `--json` prints the raw numbers.
 */
const { values } = parseArgs({
  options: {
    matches: { type: "string", default: "5" },
    changes: { type: "string", default: "200" },
    idle: { type: "string", default: "10" },
    json: { type: "boolean", default: false },
  },
});
const matches = Number(values.matches);
const changes = Number(values.changes);
const idleSeconds = Number(values.idle);

const privateRedis = await startPrivateRedis();
const redisUrl = privateRedis.url;
const redis = privateRedis.client;

/** Total calls per command since the last reset. */
async function commandCalls(): Promise<Map<string, number>> {
  const info = await redis.info("commandstats");
  const calls = new Map<string, number>();
  for (const line of info.split("\n")) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match && match[1] !== "info" && match[1] !== "config|resetstat") calls.set(match[1], Number(match[2]));
  }
  return calls;
}
const total = (calls: Map<string, number>) => [...calls.values()].reduce((a, b) => a + b, 0);
async function measure(run: () => Promise<void>): Promise<{ seconds: number; calls: Map<string, number> }> {
  await redis.configResetStat();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  return { seconds, calls: await commandCalls() };
}

const adminKey = randomBytes(16).toString("hex");
const server = await spawnServer({ REDIS_URL: redisUrl, ADMIN_KEY: adminKey, LOG_LEVEL: "info" });
try {
  await new Promise((r) => setTimeout(r, 2000)); // start-up writes settle
  const idle = await measure(() => new Promise((r) => setTimeout(r, idleSeconds * 1000)));
  const idlePerSecond = total(idle.calls) / idle.seconds;

  const matchRun = await measure(async () => {
    for (let i = 0; i < matches; i++) {
      const host = createClient({ url: server.httpUrl });
      const guest = createClient({ url: server.httpUrl });
      await Promise.all([host.auth.signInAsGuest(`Host${i}`), guest.auth.signInAsGuest(`Guest${i}`)]);
      const game = await host.rooms.game.create({ teamSize: 1, matchSeconds: 2, countdownSeconds: 0, kickoffPauseSeconds: 0, postMatchSeconds: 0.2 });
      const closed = game.closed();
      const other = await guest.rooms.game.joinById(game.roomId!);
      await closed;
      await other.closed();
    }
    await new Promise((r) => setTimeout(r, 1500)); // the effects pipeline applies the last result
  });
  const perMatch = (total(matchRun.calls) - idlePerSecond * matchRun.seconds) / matches;

  const board = `ops_${randomBytes(4).toString("hex")}`;
  const admin = (path: string, body: unknown) =>
    fetch(`${server.httpUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-admin-key": adminKey }, body: JSON.stringify(body) });
  const created = await admin("/v1/admin/leaderboards", { id: board, sort: "desc", operator: "set" });
  if (!created.ok) throw new Error(`creating the board failed: ${created.status} ${await created.text()}`);
  const watcher = createClient({ url: server.httpUrl });
  let events = 0;
  const subscription = watcher.leaderboards.subscribe(board, { top: 10 }, () => events++);
  await new Promise((r) => setTimeout(r, 1000));
  const changeRun = await measure(async () => {
    for (let i = 0; i < changes; i++) {
      const response = await admin(`/v1/admin/leaderboards/${board}/records`, { records: [{ ownerId: `owner-${i % 50}`, name: `O${i % 50}`, score: 1000 + i }] });
      if (!response.ok) throw new Error(`write failed: ${response.status}`);
      await response.body?.cancel();
    }
    await new Promise((r) => setTimeout(r, 500));
  });
  subscription.close();
  const perChange = (total(changeRun.calls) - idlePerSecond * changeRun.seconds) / changes;

  const top = (calls: Map<string, number>, divisor: number) =>
    [...calls.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([name, n]) => `${name} ${(n / divisor).toFixed(1)}`)
      .join(", ");
  const report = {
    idle: { seconds: idle.seconds, commandsPerSecond: idlePerSecond, top: top(idle.calls, idle.seconds) },
    match: { matches, seconds: matchRun.seconds, commandsPerMatch: perMatch, top: top(matchRun.calls, matches) },
    leaderboardChange: { changes, seconds: changeRun.seconds, commandsPerChange: perChange, sseEvents: events, top: top(changeRun.calls, changes) },
  };
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    process.stdout.write(`Redis commands issued by one server process (private redis-server, INFO commandstats)\n`);
    process.stdout.write(`idle                 ${idlePerSecond.toFixed(1)} /s            (${report.idle.top})\n`);
    process.stdout.write(`per match            ${perMatch.toFixed(0)}  idle-corrected  (${report.match.top}; raw, per match)\n`);
    process.stdout.write(`per leaderboard change ${perChange.toFixed(1)} idle-corrected, 1 SSE subscriber, ${events} events  (${report.leaderboardChange.top}; raw, per change)\n`);
  }
} finally {
  await server.stop();
  await privateRedis.stop();
}
process.exit(0);
