import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Target } from "./client-host.ts";
import { renderHtml } from "./report/html.ts";
import { comparisonRows, formatRows, reportRows } from "./report/text.ts";
import { runLoad, SCENARIOS, type RunOptions, type RunReport, type Scenario } from "./runner.ts";
import { TOPOLOGIES, type Topology } from "./run-report.ts";

/** Printed by `--help` (and after a bad option). */
const USAGE = `npm run loadtest -- <arena|sse|longpoll|mixed> [options]

  --url http://host:port   a running server (else one is started in its own process on a free port);
                           its CPU/RSS then come from /metrics instead of /proc
  --admin-key K            that server's ADMIN_KEY (sse, longpoll, mixed write through the admin API)
  --metrics-url URL        with --url: the /metrics of each process of that deployment, repeatable
                           (default: the --url's own); read and summed as one server, with a line per
                           process, e.g. an api process and the room process its players are seated on
  --clients N              players (arena), subscribers (sse), parked polls (longpoll)   [20]
  --rooms R                arena rooms                                                  [clients/10]
  --rate HZ                arena: inputs per player per second [20]; sse: score changes per second [10]
  --duration S             the measured window (arena, sse, mixed)                      [15; mixed 60]
  --rounds K               longpoll: results recorded, one every --result-every s        [5]
  --result-every S         seconds between results (longpoll, mixed)                    [2]
  --top N                  rows per SSE subscriber                                      [10]
  --ramp S                 spread the connections over S seconds                        [0]
  --observe-every K        arena: only every K-th bot decodes patches and measures input→state;
                           the others are SDK bots that skip decoding; sse: only every K-th
                           subscriber is an SDK subscription (ours) / parses events (naive) and
                           measures, the others read the same stream with the SDK's SSE parser
                           and count events; longpoll: only every K-th follower of ours uses the
                           SDK's feed, the others raw fetch loops on it (all measure)    [1]
  --workers W              client threads (worker_threads); 1 = in the main thread      [1]
  --generator-nice N       run the client threads at nice N (1-19; needs --workers >= 2; ours only):
                           the server(s) and Redis the tool starts keep normal priority, so on one
                           machine the server-side latency is less the server waiting for a core
  --players/--subscribers/--polls N, --score-rate HZ
                           mixed: arena players [500], SSE subscribers [2000], parked polls [2000],
                           score changes per second [10] (--rate is the arena input rate there)
  --memory-every S         sample the server's RSS (and heap, from /metrics) every S seconds
  --server-env KEY=VALUE   extra environment of the spawned server (ours or naive), repeatable; e.g.
                           STREAM_LIFETIME_MS=60000 makes SSE streams rotate every minute (readers resume)
  --topology one|api|split how ours is deployed when the tool starts it: one process, embedded mode [one];
                           api: one PROCESS_ROLE=api process (no rooms: sse, longpoll) on a private
                           redis-server; split: a room process for the arena players + an api process
                           for SSE and long polls, on a private redis-server (server figures summed)
  --cpu-prof DIR           write a V8 CPU profile of the spawned server into DIR (node --cpu-prof; open it in Chrome DevTools)
  --baseline               also run the naive server of the same kind, same load (arena: a \`ws\`
                           full-JSON broadcast server; sse: full top-N snapshot per change; longpoll:
                           node:http), then print ours / naive ratios
  --target ours|naive      run only one of them (bench uses it)                         [ours]
  --json out.json          the report (with --baseline: {ours, naive})
  --html out.html          a self-contained report with latency/connections/CPU/RSS charts

Prints a live progress line on a TTY (connected, msgs/s, p50/p99 of the
last second, errors; every 10 s as a plain line when not a TTY), then the final table, with a warning when the
generator itself was saturated (a thread over 90% of a core or lagging,
or generator + server using the machine's every core).
\`npm run soak\` is \`mixed --duration 600 --memory-every 60\` at a size that
fits 2 cores; \`npm run bench\` (bench.ts) runs every scenario against its
baseline and prints the table of the targets in docs/performance.md.
`;

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  process.stdout.write(USAGE);
  process.exit(0);
}
let parsed: ReturnType<typeof parseOptions>;
try {
  parsed = parseOptions();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
const { positionals, values } = parsed;

function parseOptions() {
  return parseArgs({
    allowPositionals: true,
    options: {
      url: { type: "string" },
      "admin-key": { type: "string" },
      "cpu-prof": { type: "string" },
      "server-env": { type: "string", multiple: true, default: [] },
      "metrics-url": { type: "string", multiple: true, default: [] },
      topology: { type: "string", default: "one" },
      clients: { type: "string", default: "20" },
      rooms: { type: "string" },
      rate: { type: "string" },
      "score-rate": { type: "string", default: "10" },
      duration: { type: "string" },
      rounds: { type: "string", default: "5" },
      "result-every": { type: "string", default: "2" },
      top: { type: "string", default: "10" },
      ramp: { type: "string", default: "0" },
      "observe-every": { type: "string", default: "1" },
      workers: { type: "string", default: "1" },
      "generator-nice": { type: "string" },
      players: { type: "string", default: "500" },
      subscribers: { type: "string", default: "2000" },
      polls: { type: "string", default: "2000" },
      "memory-every": { type: "string" },
      baseline: { type: "boolean", default: false },
      target: { type: "string", default: "ours" },
      json: { type: "string" },
      html: { type: "string" },
    },
  });
}

const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(2);
};
const scenario = (positionals[0] ?? "arena") as Scenario;
if (!SCENARIOS.includes(scenario)) fail(`unknown scenario "${scenario}"; available: ${SCENARIOS.join(", ")}`);
const target = values.target as Target;
if (target !== "ours" && target !== "naive") fail(`--target must be ours or naive`);
if (scenario === "mixed" && (values.baseline || target === "naive")) fail("mixed has no naive baseline (npm run bench compares it with its solo runs)");
if (values.url && scenario !== "arena" && !values["admin-key"]) fail(`--admin-key is needed with --url for ${scenario} (scores/results go through the admin API)`);

const topology = values.topology as Topology;
if (!TOPOLOGIES.includes(topology)) fail(`--topology must be one of ${TOPOLOGIES.join(", ")}`);
if (topology !== "one" && (values.url || target === "naive")) fail("--topology is how the tool deploys ours; not with --url or --target naive");
if (topology !== "one" && values.baseline) fail("--topology with --baseline would compare a Redis deployment with an in-memory naive server; run the two apart");
if (topology === "api" && scenario !== "sse" && scenario !== "longpoll") fail("--topology api runs no rooms: use it with sse or longpoll (split runs rooms on their own process)");

const positive = (name: string, text: string | undefined, { integer = false, zero = false } = {}): number => {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || (!zero && n === 0) || (integer && !Number.isInteger(n))) fail(`--${name} must be a ${zero ? "non-negative" : "positive"}${integer ? " integer" : " number"}`);
  return n;
};
if (values["metrics-url"].length && !values.url) fail("--metrics-url names the processes of a running deployment: use it with --url");
for (const metricsUrl of values["metrics-url"]) {
  if (!URL.canParse(metricsUrl) || !/^https?:$/.test(new URL(metricsUrl).protocol)) fail(`--metrics-url takes an http(s) URL, got "${metricsUrl}"`);
}
if (values.url && values["server-env"].length) fail("--server-env sets the environment of a server the tool starts; with --url, set it on that server");
const serverEnv: Record<string, string> = {};
for (const pair of values["server-env"]) {
  const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(pair);
  if (!match) fail(`--server-env takes KEY=VALUE (upper-case KEY), got "${pair}"`);
  serverEnv[match![1]] = match![2];
}
const generatorNice = values["generator-nice"] === undefined ? undefined : Number(values["generator-nice"]);
if (generatorNice !== undefined) {
  if (!Number.isInteger(generatorNice) || generatorNice < 1 || generatorNice > 19) fail("--generator-nice must be an integer from 1 to 19");
  if (Number(values.workers) < 2) fail("--generator-nice needs --workers 2 or more: with 1 the clients share the main thread, which spawns the servers (they would inherit its priority)");
  if (values.baseline || target === "naive") fail("--generator-nice is for ours: the naive arena's clients run in the main thread, so a comparison would not be like for like");
}
const mixed = scenario === "mixed";
const clients = positive("clients", values.clients, { integer: true });
const players = mixed ? positive("players", values.players, { integer: true }) : clients;
const rateText = values.rate ?? (scenario === "sse" ? "10" : "20");
const options: RunOptions = {
  scenario,
  target,
  url: values.url,
  ...(values["metrics-url"].length ? { metricsUrls: values["metrics-url"] } : {}),
  adminKey: values["admin-key"],
  cpuProfDir: values["cpu-prof"],
  ...(topology !== "one" ? { topology } : {}),
  ...(Object.keys(serverEnv).length ? { serverEnv } : {}),
  durationSeconds: positive("duration", values.duration ?? (mixed ? "60" : "15")),
  rampSeconds: positive("ramp", values.ramp, { zero: true }),
  workers: positive("workers", values.workers, { integer: true }),
  ...(generatorNice !== undefined ? { generatorNice } : {}),
  memoryEverySeconds: values["memory-every"] === undefined ? undefined : positive("memory-every", values["memory-every"]),
};
if (scenario === "arena" || mixed) {
  options.arena = {
    clients: players,
    rooms: positive("rooms", values.rooms ?? String(Math.max(1, Math.ceil(players / 10))), { integer: true }),
    rate: positive("rate", rateText),
    observeEvery: positive("observe-every", values["observe-every"], { integer: true }),
  };
}
if (scenario === "sse" || mixed) {
  options.sse = {
    clients: mixed ? positive("subscribers", values.subscribers, { integer: true }) : clients,
    rate: positive(mixed ? "score-rate" : "rate", mixed ? values["score-rate"] : rateText),
    top: positive("top", values.top, { integer: true }),
    observeEvery: positive("observe-every", values["observe-every"], { integer: true }),
  };
}
if (scenario === "longpoll" || mixed) {
  options.longpoll = {
    clients: mixed ? positive("polls", values.polls, { integer: true }) : clients,
    rounds: positive("rounds", values.rounds, { integer: true }),
    intervalMs: positive("result-every", values["result-every"]) * 1000,
    observeEvery: positive("observe-every", values["observe-every"], { integer: true }),
  };
}

const tty = process.stdout.isTTY;
let lastLogged = 0;
options.onProgress = (line) => {
  if (tty) process.stdout.write(`\r\x1b[2K${line.slice(0, (process.stdout.columns || 200) - 1)}`);
  else if (Date.now() - lastLogged >= 10_000) {
    // Not a terminal (a log file, bench): one line every 10 s instead of in place.
    lastLogged = Date.now();
    process.stdout.write(`${line}\n`);
  }
};
const print = (text: string) => process.stdout.write(`${tty ? "\r\x1b[2K" : ""}${text}`);

const reports: RunReport[] = [];
if (!values.baseline || target === "naive") reports.push(await runLoad(options));
else {
  reports.push(await runLoad({ ...options, target: "ours" }));
  print(formatRows(reportRows(reports[0])) + "\n");
  reports.push(await runLoad({ ...options, target: "naive", url: undefined }));
}
print(formatRows(reportRows(reports.at(-1)!)));
if (reports.length === 2) {
  print(`\nours vs naive (${scenario}; < 1× means ours is lower)\n`);
  print(formatRows(comparisonRows(reports[0], reports[1])));
}
if (values.json) writeFileSync(values.json, JSON.stringify(reports.length === 2 ? { ours: reports[0], naive: reports[1] } : reports[0], null, 2));
if (values.html) writeFileSync(values.html, renderHtml(reports, `Load test: ${scenario}${reports.length === 2 ? " (ours vs naive)" : ` (${reports[0].target})`}`));
process.exit(0);
