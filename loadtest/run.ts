import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { spawnNaiveServer } from "./baseline/spawn-naive.ts";
import { GENERATOR_LAG_MS, GENERATOR_SATURATED_PERCENT, type WindowStats } from "./gen-cpu.ts";
import { runArena } from "./scenarios/arena.ts";
import { runLongPoll, type LongPollScenarioReport } from "./scenarios/longpoll.ts";
import { runSse, type SseScenarioReport } from "./scenarios/sse.ts";
import { procStats, spawnServer } from "./spawn-server.ts";

/**
 * `npm run loadtest -- <scenario> [--url http://host:port] [--admin-key K]
 * [--clients N] [--rooms R] [--rate HZ] [--duration S] [--rounds K]
 * [--baseline] [--json out.json]`
 *
 * Without --url the server is started in its own process on a free port.
 * Scenarios: `arena` (SDK bots playing in R rooms), `sse` (N leaderboard
 * subscribers while scores change at --rate Hz), `longpoll` (N parked feed
 * polls, then --rounds results). `--baseline` (sse, longpoll) also runs the
 * naive node:http server of the same kind, same load, and prints ratios.
 * The mixed scenario, workers and HTML report are not built yet (issue 10).
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: "string" },
    "admin-key": { type: "string" },
    clients: { type: "string", default: "20" },
    rooms: { type: "string" },
    rate: { type: "string" },
    duration: { type: "string", default: "15" },
    rounds: { type: "string", default: "5" },
    top: { type: "string", default: "10" },
    baseline: { type: "boolean", default: false },
    json: { type: "string" },
  },
});

const SCENARIOS = ["arena", "sse", "longpoll"];
const scenario = positionals[0] ?? "arena";
if (!SCENARIOS.includes(scenario)) {
  process.stderr.write(`unknown scenario "${scenario}"; available: ${SCENARIOS.join(", ")}\n`);
  process.exit(2);
}
const clients = Number(values.clients);
const rooms = Number(values.rooms ?? Math.max(1, Math.ceil(clients / 10)));
const rate = Number(values.rate ?? (scenario === "sse" ? 10 : 20));
const duration = Number(values.duration);
const rounds = Number(values.rounds);
const top = Number(values.top);
for (const [name, value] of Object.entries({ clients, rooms, rate, duration, rounds, top })) {
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`--${name} must be a positive number\n`);
    process.exit(2);
  }
}
if (values.baseline && scenario === "arena") {
  process.stderr.write("--baseline is not built for arena yet (the naive ws broadcast server); use it with sse or longpoll\n");
  process.exit(2);
}
if (values.url && scenario !== "arena" && !values["admin-key"]) {
  process.stderr.write(`--admin-key is needed with --url for ${scenario} (scores/results go through the admin API)\n`);
  process.exit(2);
}

const tty = process.stdout.isTTY;
const onProgress = (line: string) => (tty ? process.stdout.write(`\r\x1b[2K${line}`) : undefined);
const printRows = (rows: [string, string][]) => {
  if (tty) process.stdout.write("\r\x1b[2K");
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [key, value] of rows) process.stdout.write(`${key.padEnd(width)}  ${value}\n`);
};
const ms = (l: { p50: number; p90: number; p99: number; max: number; count: number }) =>
  `${l.p50.toFixed(1)} / ${l.p90.toFixed(1)} / ${l.p99.toFixed(1)} / ${l.max.toFixed(1)} ms (${l.count} samples)`;
const windowRows = (w: WindowStats): [string, string][] => [
  ...(w.server
    ? ([["server CPU / RSS (before → end, peak)", `${w.server.cpuPercentOfOneCore}% of one core / ${w.server.rssBeforeMegabytes} → ${w.server.rssMegabytes} MB, peak ${w.server.peakRssMegabytes} MB`]] as [string, string][])
    : []),
  ["generator CPU", `${w.generatorCpuPercent}% of one core over ${w.seconds} s, event-loop delay p99 ${w.generatorLoopDelayP99Ms} ms${w.generatorSaturated ? `  ⚠ SATURATED (> ${GENERATOR_SATURATED_PERCENT}% of a core)` : ""}${w.generatorLoopDelayP99Ms > GENERATOR_LAG_MS ? `  ⚠ generator event loop lagged (p99 > ${GENERATOR_LAG_MS} ms): latencies include the generator's own queueing` : ""}`],
];
const ratio = (ours: number, naive: number) => (naive > 0 ? `${(ours / naive).toFixed(2)}×` : "n/a");

async function runArenaScenario(): Promise<unknown> {
  const server = values.url ? undefined : await spawnServer({ WS_MESSAGES_PER_SECOND: String(Math.max(60, rate * 2)) });
  const url = values.url ?? server!.httpUrl;
  const before = server && procStats(server.pid);
  try {
    const report = await runArena({ url, clients, rooms, rate, durationSeconds: duration, onProgress });
    const after = server && procStats(server.pid);
    const serverStats =
      before && after ? { cpuPercentOfOneCore: Math.round(((after.cpuSeconds - before.cpuSeconds) / duration) * 1000) / 10, rssMegabytes: Math.round(after.rssBytes / 1048576) } : undefined;
    const l = report.inputToStateMs;
    printRows([
      ["scenario", `${report.scenario}: ${report.joined}/${clients} clients in ${rooms} rooms, ${rate} Hz input, ${duration} s`],
      ["inputs sent", String(report.inputsSent)],
      ["input→state p50 / p90 / p99 / max", `${l.p50.toFixed(1)} / ${l.p90.toFixed(1)} / ${l.p99.toFixed(1)} / ${l.max.toFixed(1)} ms (${l.count} samples)`],
      ["errors / disconnects", `${report.errors} / ${report.disconnects}`],
      ...(serverStats ? ([["server CPU / RSS", `${serverStats.cpuPercentOfOneCore}% of one core / ${serverStats.rssMegabytes} MB`]] as [string, string][]) : []),
    ]);
    return { ...report, server: serverStats };
  } finally {
    await server?.stop();
  }
}

/** Runs one target of sse/longpoll against its own freshly spawned server (or --url). */
async function runTarget(target: "ours" | "naive"): Promise<SseScenarioReport | LongPollScenarioReport> {
  const adminKey = values["admin-key"] ?? randomBytes(24).toString("hex");
  const server =
    target === "naive"
      ? await spawnNaiveServer(scenario as "sse" | "longpoll")
      : values.url
        ? undefined
        : await spawnServer({ ADMIN_KEY: adminKey, STREAMS_PER_CLIENT: "10000", POLLS_PER_CLIENT: "10000", LOG_LEVEL: "info" });
  const url = target === "naive" ? server!.httpUrl : (values.url ?? server!.httpUrl);
  try {
    return scenario === "sse"
      ? await runSse({ target, url, adminKey, clients, rate, durationSeconds: duration, top, serverPid: server?.pid, onProgress })
      : await runLongPoll({ target, url, adminKey, clients, rounds, serverPid: server?.pid, onProgress });
  } finally {
    await server?.stop();
  }
}

function printSse(r: SseScenarioReport) {
  printRows([
    ["scenario", `sse (${r.target}): ${r.connected}/${r.clients} subscribers, ${r.rateHz} Hz score changes, ${r.durationSeconds} s`],
    ["writes sent / failed", `${r.writesSent} / ${r.writeErrors}`],
    ["events received", `${r.eventsReceived} (${(r.eventsReceived / Math.max(1, r.connected)).toFixed(1)} per subscriber)`],
    ["fan-out p50 / p90 / p99 / max", ms(r.fanOutMs)],
    ["errors / disconnects / SSE fallbacks", `${r.errors} / ${r.disconnects} / ${r.fallbacks}`],
    ...windowRows(r.window),
  ]);
}

function printLongPoll(r: LongPollScenarioReport) {
  printRows([
    ["scenario", `longpoll (${r.target}): ${r.parked}/${r.clients} polls parked, ${r.rounds} results`],
    ["wake-ups received", `${r.wakeups} of ${r.parked * r.rounds}`],
    ["wake-up (from POST) p50 / p90 / p99 / max", ms(r.wakeUpMs)],
    ["since recordedAt p50 / p99", `${r.sinceRecordedMs.p50.toFixed(1)} / ${r.sinceRecordedMs.p99.toFixed(1)} ms`],
    ["errors", String(r.errors)],
    ...windowRows(r.window),
  ]);
}

let output: unknown;
if (scenario === "arena") {
  output = await runArenaScenario();
} else {
  const print = (r: SseScenarioReport | LongPollScenarioReport) => (r.scenario === "sse" ? printSse(r) : printLongPoll(r));
  const ours = await runTarget("ours");
  print(ours);
  output = ours;
  if (values.baseline) {
    process.stdout.write("\n");
    const naive = await runTarget("naive");
    print(naive);
    const lat = (r: SseScenarioReport | LongPollScenarioReport) => (r.scenario === "sse" ? r.fanOutMs : r.wakeUpMs);
    const cpu = (r: SseScenarioReport | LongPollScenarioReport) => r.window.server?.cpuPercentOfOneCore ?? NaN;
    const rss = (r: SseScenarioReport | LongPollScenarioReport) => r.window.server?.peakRssMegabytes ?? NaN;
    process.stdout.write(`\nours vs naive (${scenario}; < 1× means ours is lower)\n`);
    printRows([
      ["p50 latency", `${lat(ours).p50.toFixed(1)} vs ${lat(naive).p50.toFixed(1)} ms = ${ratio(lat(ours).p50, lat(naive).p50)}`],
      ["p99 latency", `${lat(ours).p99.toFixed(1)} vs ${lat(naive).p99.toFixed(1)} ms = ${ratio(lat(ours).p99, lat(naive).p99)}`],
      ["server CPU", `${cpu(ours)}% vs ${cpu(naive)}% = ${ratio(cpu(ours), cpu(naive))}`],
      ["server peak RSS", `${rss(ours)} vs ${rss(naive)} MB = ${ratio(rss(ours), rss(naive))}`],
    ]);
    output = { ours, naive };
  }
}
if (values.json) writeFileSync(values.json, JSON.stringify(output, null, 2));
process.exit(0);
