import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { runArena } from "./scenarios/arena.ts";
import { procStats, spawnServer } from "./spawn-server.ts";

/**
 * `npm run loadtest -- <scenario> [--url http://host:port] [--clients N]
 * [--rooms R] [--rate HZ] [--duration S] [--json out.json]`
 *
 * Without --url the server is started in its own process on a free port.
 * Scenarios: `arena` (SDK bots playing in R rooms). The SSE, long-poll and
 * mixed scenarios and the naive baselines come with issue 10.
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: "string" },
    clients: { type: "string", default: "20" },
    rooms: { type: "string" },
    rate: { type: "string", default: "20" },
    duration: { type: "string", default: "15" },
    json: { type: "string" },
  },
});

const scenario = positionals[0] ?? "arena";
if (scenario !== "arena") {
  process.stderr.write(`unknown scenario "${scenario}"; available: arena\n`);
  process.exit(2);
}
const clients = Number(values.clients);
const rooms = Number(values.rooms ?? Math.max(1, Math.ceil(clients / 10)));
const rate = Number(values.rate);
const duration = Number(values.duration);
for (const [name, value] of Object.entries({ clients, rooms, rate, duration })) {
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`--${name} must be a positive number\n`);
    process.exit(2);
  }
}

const server = values.url ? undefined : await spawnServer({ WS_MESSAGES_PER_SECOND: String(Math.max(60, rate * 2)) });
const url = values.url ?? server!.httpUrl;
const before = server && procStats(server.pid);
const tty = process.stdout.isTTY;
try {
  const report = await runArena({
    url,
    clients,
    rooms,
    rate,
    durationSeconds: duration,
    onProgress: (line) => (tty ? process.stdout.write(`\r\x1b[2K${line}`) : undefined),
  });
  const after = server && procStats(server.pid);
  const serverStats =
    before && after ? { cpuPercentOfOneCore: Math.round(((after.cpuSeconds - before.cpuSeconds) / duration) * 1000) / 10, rssMegabytes: Math.round(after.rssBytes / 1048576) } : undefined;
  if (tty) process.stdout.write("\n");
  const l = report.inputToStateMs;
  const rows: [string, string][] = [
    ["scenario", `${report.scenario}: ${report.joined}/${clients} clients in ${rooms} rooms, ${rate} Hz input, ${duration} s`],
    ["inputs sent", String(report.inputsSent)],
    ["input→state p50 / p90 / p99 / max", `${l.p50.toFixed(1)} / ${l.p90.toFixed(1)} / ${l.p99.toFixed(1)} / ${l.max.toFixed(1)} ms (${l.count} samples)`],
    ["errors / disconnects", `${report.errors} / ${report.disconnects}`],
    ...(serverStats ? ([["server CPU / RSS", `${serverStats.cpuPercentOfOneCore}% of one core / ${serverStats.rssMegabytes} MB`]] as [string, string][]) : []),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [key, value] of rows) process.stdout.write(`${key.padEnd(width)}  ${value}\n`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ ...report, server: serverStats }, null, 2));
} finally {
  await server?.stop();
}
process.exit(0);
