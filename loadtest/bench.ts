import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { PartReport } from "./aggregate.ts";
import type { PartName, Target } from "./client-host.ts";
import type { RunReport, Scenario } from "./runner.ts";

/**
 * `npm run bench -- [--repeat N] [--quick] [--workers W] [--out PATH] [--only arena,sse,longpoll,mixed]`
 *
 * Runs each scenario against ours and then its naive baseline, back to back
 * (arena: the naive `ws` full-JSON broadcast server; sse: the full-snapshot
 * SSE server; longpoll: the node:http long-poll server), and `mixed` against
 * solo runs of ours at the mixed sizes. Every run is its own
 * `loadtest/run.ts --target ours|naive --json …` process (a fresh generator
 * and a fresh server each time). Repeats the whole set N times (default 3),
 * takes the median of each number, and prints one table — ours / naive /
 * ratio for p50, p99, server CPU, RSS, RSS per connection and bytes per
 * client per second — with the issue's targets and pass/miss per row.
 * Writes PATH.json (every run's report + the medians + the rows) and PATH.md
 * (the table); PATH defaults to a fresh file in the OS temp directory.
 *
 * Full size (default): 1,000 players in 100 rooms, 5,000 SSE subscribers at
 * 10 changes/s, 10,000 parked polls, mixed 500 + 2,000 + 2,000 for 60 s;
 * 2 client worker threads, arena observers every 4th bot, connections
 * ramped over 10 s. `--quick`: a small smoke run of the same table.
 */
const { values } = parseArgs({
  options: {
    repeat: { type: "string", default: "3" },
    quick: { type: "boolean", default: false },
    workers: { type: "string" },
    out: { type: "string" },
    only: { type: "string", default: "arena,sse,longpoll,mixed" },
    "observe-every": { type: "string" },
  },
});

const quick = values.quick!;
const repeat = Math.max(1, Math.floor(Number(values.repeat)));
const workers = values.workers ?? (quick ? "1" : "2");
const only = new Set(values.only!.split(","));
for (const name of only) if (!["arena", "sse", "longpoll", "mixed"].includes(name)) throw new Error(`--only: unknown scenario ${name}`);

/** The sizes of every run (issue 10's targets; --quick: a smoke run). */
const SIZES = quick
  ? {
      arena: { players: 40, rooms: 4, duration: 5 },
      sse: { subscribers: 200, duration: 5 },
      longpoll: { polls: 300, rounds: 2 },
      mixed: { players: 40, subscribers: 200, polls: 200, duration: 8, soloDuration: 5, soloRounds: 2 },
      ramp: 1,
      observeEvery: 2,
    }
  : {
      arena: { players: 1000, rooms: 100, duration: 30 },
      sse: { subscribers: 5000, duration: 30 },
      longpoll: { polls: 10000, rounds: 5 },
      mixed: { players: 500, subscribers: 2000, polls: 2000, duration: 60, soloDuration: 30, soloRounds: 5 },
      ramp: 10,
      observeEvery: 4,
    };
const observeEvery = values["observe-every"] ?? String(SIZES.observeEvery);

interface RunSpec {
  /** Key of the run in the results: scenario/target, or solo-<part> for mixed's solo runs. */
  key: string;
  scenario: Scenario;
  target: Target;
  args: string[];
}

const common = ["--workers", workers, "--ramp", String(SIZES.ramp)];
const specs: RunSpec[] = [];
const pair = (scenario: Scenario, args: string[]) => {
  for (const target of ["ours", "naive"] as const) specs.push({ key: `${scenario}/${target}`, scenario, target, args: [scenario, "--target", target, ...args, ...common] });
};
if (only.has("arena")) {
  const a = SIZES.arena;
  pair("arena", ["--clients", String(a.players), "--rooms", String(a.rooms), "--rate", "20", "--duration", String(a.duration), "--observe-every", observeEvery]);
}
if (only.has("sse")) pair("sse", ["--clients", String(SIZES.sse.subscribers), "--rate", "10", "--duration", String(SIZES.sse.duration), "--observe-every", observeEvery]);
if (only.has("longpoll")) pair("longpoll", ["--clients", String(SIZES.longpoll.polls), "--rounds", String(SIZES.longpoll.rounds), "--observe-every", observeEvery]);
if (only.has("mixed")) {
  const m = SIZES.mixed;
  specs.push({
    key: "mixed/ours",
    scenario: "mixed",
    target: "ours",
    args: ["mixed", "--players", String(m.players), "--subscribers", String(m.subscribers), "--polls", String(m.polls), "--duration", String(m.duration), "--observe-every", observeEvery, ...common],
  });
  const soloArgs: Record<PartName, string[]> = {
    arena: ["--clients", String(m.players), "--rooms", String(Math.ceil(m.players / 10)), "--duration", String(m.soloDuration), "--observe-every", observeEvery],
    sse: ["--clients", String(m.subscribers), "--rate", "10", "--duration", String(m.soloDuration), "--observe-every", observeEvery],
    longpoll: ["--clients", String(m.polls), "--rounds", String(m.soloRounds), "--observe-every", observeEvery],
  };
  for (const part of ["arena", "sse", "longpoll"] as const) specs.push({ key: `solo-${part}/ours`, scenario: part, target: "ours", args: [part, "--target", "ours", ...soloArgs[part], ...common] });
}

const scratch = mkdtempSync(join(tmpdir(), "bench-"));
const outBase = values.out ?? join(tmpdir(), `bench-${new Date().toISOString().replace(/[:.]/g, "-")}`);
const runs: Record<string, RunReport[]> = {};
const failures: { key: string; repeat: number; output: string }[] = [];
const log: string[] = [];

async function runOne(spec: RunSpec, index: number): Promise<RunReport | undefined> {
  const jsonPath = join(scratch, `${spec.key.replace("/", "-")}-${index}.json`);
  const started = Date.now();
  const output: string[] = [];
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "loadtest/run.ts", ...spec.args, "--json", jsonPath], {
      cwd: new URL("..", import.meta.url),
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.on("exit", (exitCode) => resolve(exitCode ?? 1));
  });
  const text = output.join("");
  log.push(`### ${spec.key} #${index + 1} (exit ${code})\n$ loadtest/run.ts ${spec.args.join(" ")}\n${text}`);
  const seconds = Math.round((Date.now() - started) / 1000);
  if (code !== 0) {
    failures.push({ key: spec.key, repeat: index, output: text.slice(-2000) });
    process.stdout.write(`  ${spec.key.padEnd(16)} FAILED (exit ${code}, ${seconds} s): ${text.trim().split("\n").slice(-3).join(" | ")}\n`);
    return undefined;
  }
  const report = JSON.parse(readFileSync(jsonPath, "utf8")) as RunReport;
  const parts = Object.values(report.parts) as PartReport[];
  const summary = parts.map((p) => `${parts.length > 1 ? `${p.part} ` : ""}p50 ${fmt(p.latency.p50)} p99 ${fmt(p.latency.p99)} ms, ${fmt(p.bytesPerClientPerSecond, 0)} B/s/client, ${p.errors} err`).join("; ");
  const server = report.server ? `, server ${fmt(report.server.cpuPercentOfOneCore)}% ${fmt(report.server.peakRssMB, 0)} MB (${fmt(report.server.rssPerConnectionKB)} KB/conn)` : "";
  const warn = report.generator.warnings.length ? `  ⚠ ${report.generator.saturated ? "generator saturated" : "busy machine"}` : "";
  process.stdout.write(`  ${spec.key.padEnd(16)} ${summary}${server} — ${seconds} s${warn}\n`);
  return report;
}

process.stdout.write(`bench: ${quick ? "quick" : "full size"}, ${repeat} repeat(s), ${specs.length} runs each, workers ${workers}, ${cpus().length} cores\n`);
for (let r = 0; r < repeat; r++) {
  process.stdout.write(`repeat ${r + 1}/${repeat}\n`);
  for (const spec of specs) {
    const report = await runOne(spec, r);
    if (report) (runs[spec.key] ??= []).push(report);
  }
}
rmSync(scratch, { recursive: true, force: true });

// ---- medians and the table ----

function fmt(n: number | undefined, digits = 1): string {
  return n === undefined || !Number.isFinite(n) ? "–" : n.toFixed(digits);
}

function median(values: (number | undefined)[]): number | undefined {
  const list = values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (list.length === 0) return undefined;
  const mid = Math.floor(list.length / 2);
  return list.length % 2 ? list[mid] : (list[mid - 1] + list[mid]) / 2;
}

const med = (key: string, pick: (r: RunReport) => number | undefined) => median((runs[key] ?? []).map(pick));
/** Counts that must be zero: the worst run, not the median. */
const worst = (key: string, pick: (r: RunReport) => number | undefined) => {
  const list = (runs[key] ?? []).map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
  return list.length ? Math.max(...list) : undefined;
};
const part = (name: PartName) => (r: RunReport) => r.parts[name];

type Result = "pass" | "miss" | "";
interface TableRow {
  scenario: string;
  metric: string;
  ours?: number;
  naive?: number;
  unit: string;
  /** ours / naive (mixed: mixed / solo). */
  ratio?: number;
  target: string;
  result: Result;
}
const rows: TableRow[] = [];
const ratioOf = (a?: number, b?: number) => (a !== undefined && b !== undefined && b > 0 ? a / b : undefined);
const judge = (ok: boolean | undefined): Result => (ok === undefined ? "" : ok ? "pass" : "miss");
const add = (row: Omit<TableRow, "ratio" | "result"> & { check?: (ours: number, naive: number | undefined, ratio: number | undefined) => boolean }) => {
  const ratio = ratioOf(row.ours, row.naive);
  const { check, ...rest } = row;
  rows.push({ ...rest, ratio, result: check && row.ours !== undefined ? judge(check(row.ours, row.naive, ratio)) : "" });
};

function scenarioRows(name: "arena" | "sse" | "longpoll", label: string, targets: { p99: string; cpu: string; perConn: string; bytes: string }, checks: {
  p99?: (o: number, n?: number) => boolean;
  cpu?: (o: number, n?: number) => boolean;
  perConn?: (o: number) => boolean;
  bytes?: (o: number, n: number | undefined, ratio: number | undefined) => boolean;
}) {
  const o = `${name}/ours`;
  const n = `${name}/naive`;
  if (!runs[o] && !runs[n]) return;
  const p = part(name);
  const latencyName = runs[o]?.[0]?.parts[name]?.latencyName ?? "latency";
  add({ scenario: label, metric: `p50 ${latencyName}`, ours: med(o, (r) => p(r)?.latency.p50), naive: med(n, (r) => p(r)?.latency.p50), unit: "ms", target: "" });
  add({ scenario: label, metric: `p99 ${latencyName}`, ours: med(o, (r) => p(r)?.latency.p99), naive: med(n, (r) => p(r)?.latency.p99), unit: "ms", target: targets.p99, check: checks.p99 });
  add({ scenario: label, metric: "server CPU", ours: med(o, (r) => r.server?.cpuPercentOfOneCore), naive: med(n, (r) => r.server?.cpuPercentOfOneCore), unit: "% of a core", target: targets.cpu, check: checks.cpu });
  add({ scenario: label, metric: "server event-loop delay p99 (worst 2 s sample)", ours: med(o, (r) => r.server?.loopDelayP99Ms), unit: "ms", target: "" });
  add({ scenario: label, metric: "server RSS at load", ours: med(o, (r) => r.server?.loadRssMB), naive: med(n, (r) => r.server?.loadRssMB), unit: "MB", target: "" });
  add({ scenario: label, metric: "RSS per connection (load − idle)", ours: med(o, (r) => r.server?.rssPerConnectionKB), naive: med(n, (r) => r.server?.rssPerConnectionKB), unit: "KB", target: targets.perConn, check: checks.perConn });
  add({
    scenario: label,
    metric: "RSS per connection, marginal (slope over the ramp)",
    ours: med(o, (r) => r.server?.rssPerConnectionMarginalKB),
    naive: med(n, (r) => r.server?.rssPerConnectionMarginalKB),
    unit: "KB",
    target: "",
  });
  add({ scenario: label, metric: "bytes per client per second", ours: med(o, (r) => p(r)?.bytesPerClientPerSecond), naive: med(n, (r) => p(r)?.bytesPerClientPerSecond), unit: "B/s", target: targets.bytes, check: checks.bytes });
  const failed = (r: RunReport) => (p(r)?.errors ?? 0) + (p(r)?.disconnects ?? 0);
  add({ scenario: label, metric: "errors + disconnects (worst run)", ours: worst(o, failed), naive: worst(n, failed), unit: "", target: "0", check: (v) => v === 0 });
}

const s = SIZES;
scenarioRows(
  "arena",
  `arena: ${s.arena.players} players / ${s.arena.rooms} rooms, 20 Hz`,
  { p99: "≤ 80 ms", cpu: "< 60%", perConn: "≤ 64 KB", bytes: "≤ 0.40× naive" },
  { p99: (o) => o <= 80, cpu: (o) => o < 60, perConn: (o) => o <= 64, bytes: (_o, _n, ratio) => ratio !== undefined && ratio <= 0.4 },
);
scenarioRows(
  "sse",
  `sse: ${s.sse.subscribers} subscribers, 10 changes/s`,
  { p99: "≤ naive", cpu: "≤ naive", perConn: "≤ 16 KB", bytes: "" },
  { p99: (o, n) => n !== undefined && o <= n, cpu: (o, n) => n !== undefined && o <= n, perConn: (o) => o <= 16 },
);
scenarioRows(
  "longpoll",
  `longpoll: ${s.longpoll.polls} parked polls`,
  { p99: "≤ naive", cpu: "", perConn: "≤ 16 KB", bytes: "" },
  { p99: (o, n) => n !== undefined && o <= n, perConn: (o) => o <= 16 },
);
if (runs["longpoll/ours"]) {
  const label = `longpoll: ${s.longpoll.polls} parked polls`;
  add({
    scenario: label,
    metric: "polls still parked after abandoning them (worst run)",
    ours: worst("longpoll/ours", (r) => r.parts.longpoll?.details.parkedAfterAbandon),
    naive: worst("longpoll/naive", (r) => r.parts.longpoll?.details.parkedAfterAbandon),
    unit: "",
    target: "0",
    check: (v) => v === 0,
  });
  const growth = (r: RunReport) => (r.server?.loadHeapMB !== undefined && r.server.idleHeapMB !== undefined ? r.server.loadHeapMB - r.server.idleHeapMB : undefined);
  const left = (r: RunReport) => (r.server?.afterHeapMB !== undefined && r.server.idleHeapMB !== undefined ? r.server.afterHeapMB - r.server.idleHeapMB : undefined);
  // Information only: the heap is read before V8's next full GC, so it still holds the closed polls' garbage.
  add({
    scenario: label,
    metric: `heap above idle 3 s after abandoning (at load: +${fmt(med("longpoll/ours", growth))} MB; before GC)`,
    ours: med("longpoll/ours", left),
    unit: "MB",
    target: "",
  });
}
if (runs["mixed/ours"]) {
  const m = s.mixed;
  const label = `mixed: ${m.players} players + ${m.subscribers} SSE + ${m.polls} polls, ${m.duration} s (vs solo runs at those sizes)`;
  for (const name of ["arena", "sse", "longpoll"] as const) {
    add({
      scenario: label,
      metric: `${name} p99 (mixed vs solo)`,
      ours: med("mixed/ours", (r) => r.parts[name]?.latency.p99),
      naive: med(`solo-${name}/ours`, (r) => r.parts[name]?.latency.p99),
      unit: "ms",
      target: "≤ 1.5× solo",
      check: (_o, _n, ratio) => ratio !== undefined && ratio <= 1.5,
    });
  }
  add({ scenario: label, metric: "errors + disconnects, all parts and writers (worst run)", ours: worst("mixed/ours", (r) => r.errors + Object.values(r.parts).reduce((n, p) => n + p!.disconnects, 0)), unit: "", target: "0", check: (v) => v === 0 });
  add({ scenario: label, metric: "server CPU", ours: med("mixed/ours", (r) => r.server?.cpuPercentOfOneCore), unit: "% of a core", target: "" });
  add({ scenario: label, metric: "server event-loop delay p99 (worst 2 s sample)", ours: med("mixed/ours", (r) => r.server?.loopDelayP99Ms), unit: "ms", target: "" });
  add({ scenario: label, metric: "server RSS at load", ours: med("mixed/ours", (r) => r.server?.loadRssMB), unit: "MB", target: "" });
}

const warned = Object.entries(runs).flatMap(([key, list]) => list.filter((r) => r.generator.warnings.length > 0).map((r) => `${key}${r.generator.saturated ? " (generator saturated)" : ""}: ${r.generator.warnings.join("; ")}`));
const first = Object.values(runs)[0]?.[0];
const header = [
  `npm run bench${quick ? " -- --quick" : ""}: median of ${repeat} run(s), ${first ? `${first.machine.cpu} × ${first.machine.cores}, Node ${first.machine.node}` : `${cpus().length} cores`}, client worker threads: ${workers}`,
  "",
  "| scenario | metric | ours | naive (mixed: solo) | ratio | target | result |",
  "|---|---|---|---|---|---|---|",
];
let lastScenario = "";
const body = rows.map((row) => {
  const scenario = row.scenario === lastScenario ? "" : row.scenario;
  lastScenario = row.scenario;
  const value = (v?: number) =>
    v === undefined ? "–" : `${fmt(v, !row.unit || Math.abs(v) >= 100 ? 0 : 1)}${row.unit && !row.unit.startsWith("%") ? ` ${row.unit}` : row.unit ? "%" : ""}`;
  return `| ${scenario} | ${row.metric} | ${value(row.ours)} | ${value(row.naive)} | ${row.ratio === undefined ? "–" : `${row.ratio.toFixed(2)}×`} | ${row.target || "–"} | ${row.result || "–"} |`;
});
const notes = [
  ...(warned.length ? ["", `⚠ ${warned.length} run(s) were not clean measurements (a saturated generator or a busy machine):`, ...warned.map((line) => `- ${line}`)] : []),
  ...(failures.length ? ["", `✗ ${failures.length} run(s) failed: ${failures.map((f) => `${f.key} #${f.repeat + 1}`).join(", ")} (output in ${outBase}.log)`] : []),
];
const markdown = [...header, ...body, ...notes].join("\n") + "\n";
process.stdout.write(`\n${markdown}`);
writeFileSync(`${outBase}.md`, markdown);
writeFileSync(`${outBase}.json`, JSON.stringify({ quick, repeat, workers: Number(workers), sizes: SIZES, rows, runs, failures }, null, 2));
writeFileSync(`${outBase}.log`, log.join("\n"));
process.stdout.write(`\nwrote ${outBase}.md, ${outBase}.json and ${outBase}.log\n`);
process.exit(failures.length ? 1 : 0);
