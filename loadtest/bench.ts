import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { PartReport } from "./aggregate.ts";
import { BENCH_SCENARIOS, benchSizes, benchSpecs, type RunSpec } from "./bench-plan.ts";
import { benchRows, fmt, markdownRows, type Runs } from "./bench-table.ts";
import type { RunReport } from "./run-report.ts";

/**
 * `npm run bench -- [--repeat N] [--quick] [--workers W] [--out PATH] [--only arena,sse,longpoll,mixed] [--generator-nice N]`
 *
 * Runs each scenario against ours and then its naive baseline, back to back
 * (arena: the naive `ws` full-JSON broadcast server; sse: the full-snapshot
 * SSE server; longpoll: the node:http long-poll server), and `mixed` against
 * solo runs of ours at the mixed sizes. Every run is its own
 * `loadtest/run.ts --target ours|naive --json …` process (a fresh generator
 * and a fresh server each time). Repeats the whole set N times (default 3),
 * takes the median of each number, and prints one table — ours / naive /
 * ratio for p50, p99, server CPU, RSS, RSS per connection and bytes per
 * client per second — with the targets of docs/performance.md and pass/miss per row.
 * Writes PATH.json (every run's report + the medians + the rows) and PATH.md
 * (the table); PATH defaults to a fresh file in the OS temp directory.
 *
 * Full size (default): 1,000 players in 100 rooms, 5,000 SSE subscribers at
 * 10 changes/s, 10,000 parked polls, mixed 500 + 2,000 + 2,000 for 60 s;
 * 2 client worker threads, arena observers every 4th bot, connections
 * ramped over 10 s. `--quick`: a small smoke run of the same table.
 * `--generator-nice N` (mixed and mixed-split only, which compare ours with
 * ours): every run's client threads at nice N (loadtest `--generator-nice`).
 */
const { values } = parseArgs({
  options: {
    repeat: { type: "string", default: "3" },
    quick: { type: "boolean", default: false },
    workers: { type: "string" },
    out: { type: "string" },
    only: { type: "string", default: BENCH_SCENARIOS.join(",") },
    "observe-every": { type: "string" },
    "generator-nice": { type: "string" },
  },
});

const quick = values.quick!;
const repeat = Math.max(1, Math.floor(Number(values.repeat)));
const workers = values.workers ?? (quick ? "1" : "2");
const only = new Set(values.only!.split(","));
for (const name of only) if (!(BENCH_SCENARIOS as readonly string[]).includes(name)) throw new Error(`--only: unknown scenario ${name}`);
const generatorNice = values["generator-nice"];
if (generatorNice !== undefined && [...only].some((name) => name !== "mixed" && name !== "mixed-split")) {
  throw new Error("--generator-nice applies to mixed and mixed-split only (the other scenarios compare ours with a naive server whose clients cannot be niced the same way): add --only mixed,mixed-split");
}
const SIZES = benchSizes(quick);
const specs = benchSpecs(SIZES, { only, workers, observeEvery: values["observe-every"] ?? String(SIZES.observeEvery), ...(generatorNice !== undefined ? { generatorNice } : {}) });

const scratch = mkdtempSync(join(tmpdir(), "bench-"));
const outBase = values.out ?? join(tmpdir(), `bench-${new Date().toISOString().replace(/[:.]/g, "-")}`);
const runs: Runs = {};
const failures: { key: string; repeat: number; output: string }[] = [];
const log: string[] = [];

/** One run in its own process; its report, or undefined when it failed (the output goes to the log). */
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
  process.stdout.write(`  ${spec.key.padEnd(16)} ${summaryLine(report, seconds)}\n`);
  return report;
}

/** One line per run while bench goes. */
function summaryLine(report: RunReport, seconds: number): string {
  const parts = Object.values(report.parts) as PartReport[];
  const summary = parts.map((p) => `${parts.length > 1 ? `${p.part} ` : ""}p50 ${fmt(p.latency.p50)} p99 ${fmt(p.latency.p99)} ms, ${fmt(p.bytesPerClientPerSecond, 0)} B/s/client, ${p.errors} err`).join("; ");
  const server = report.server ? `, server ${fmt(report.server.cpuPercentOfOneCore)}% ${fmt(report.server.peakRssMB, 0)} MB (${fmt(report.server.rssPerConnectionKB)} KB/conn)` : "";
  const warn = report.generator.warnings.length ? `  ⚠ ${report.generator.saturated ? "generator saturated" : "busy machine"}` : "";
  return `${summary}${server} — ${seconds} s${warn}`;
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

const rows = benchRows(runs, SIZES);
const warned = Object.entries(runs).flatMap(([key, list]) => list.filter((r) => r.generator.warnings.length > 0).map((r) => `${key}${r.generator.saturated ? " (generator saturated)" : ""}: ${r.generator.warnings.join("; ")}`));
const first = Object.values(runs)[0]?.[0];
const header = [
  `npm run bench${quick ? " -- --quick" : ""}: median of ${repeat} run(s), ${first ? `${first.machine.cpu} × ${first.machine.cores}, Node ${first.machine.node}` : `${cpus().length} cores`}, client worker threads: ${workers}${generatorNice !== undefined ? ` at nice ${generatorNice}` : ""}`,
  "",
  "| scenario | metric | ours | naive (mixed: solo) | ratio | target | result |",
  "|---|---|---|---|---|---|---|",
];
const notes = [
  ...(warned.length ? ["", `⚠ ${warned.length} run(s) were not clean measurements (a saturated generator or a busy machine):`, ...warned.map((line) => `- ${line}`)] : []),
  ...(failures.length ? ["", `✗ ${failures.length} run(s) failed: ${failures.map((f) => `${f.key} #${f.repeat + 1}`).join(", ")} (output in ${outBase}.log)`] : []),
];
const markdown = [...header, ...markdownRows(rows), ...notes].join("\n") + "\n";
process.stdout.write(`\n${markdown}`);
writeFileSync(`${outBase}.md`, markdown);
writeFileSync(`${outBase}.json`, JSON.stringify({ quick, repeat, workers: Number(workers), sizes: SIZES, rows, runs, failures }, null, 2));
writeFileSync(`${outBase}.log`, log.join("\n"));
process.stdout.write(`\nwrote ${outBase}.md, ${outBase}.json and ${outBase}.log\n`);
process.exit(failures.length ? 1 : 0);
