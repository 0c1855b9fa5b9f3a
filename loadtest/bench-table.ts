import type { PartName } from "./client-host.ts";
import type { BenchSizes } from "./bench-plan.ts";
import type { RunReport } from "./run-report.ts";

/** The medians of bench's runs as one table: ours / naive / ratio per metric, with the targets and pass/miss. */

export type Runs = Record<string, RunReport[]>;
type Result = "pass" | "miss" | "";

export interface TableRow {
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

type Check = (ours: number, naive: number | undefined, ratio: number | undefined) => boolean;

export function fmt(n: number | undefined, digits = 1): string {
  return n === undefined || !Number.isFinite(n) ? "–" : n.toFixed(digits);
}

function median(values: (number | undefined)[]): number | undefined {
  const list = values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (list.length === 0) return undefined;
  const mid = Math.floor(list.length / 2);
  return list.length % 2 ? list[mid] : (list[mid - 1] + list[mid]) / 2;
}

/** Collects rows from the runs. */
class Table {
  readonly rows: TableRow[] = [];
  constructor(readonly runs: Runs) {}

  med(key: string, pick: (r: RunReport) => number | undefined): number | undefined {
    return median((this.runs[key] ?? []).map(pick));
  }

  /** Counts that must be zero: the worst run, not the median. */
  worst(key: string, pick: (r: RunReport) => number | undefined): number | undefined {
    const list = (this.runs[key] ?? []).map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
    return list.length ? Math.max(...list) : undefined;
  }

  add(row: Omit<TableRow, "ratio" | "result"> & { check?: Check }): void {
    const ratio = row.ours !== undefined && row.naive !== undefined && row.naive > 0 ? row.ours / row.naive : undefined;
    const { check, ...rest } = row;
    const result: Result = check && row.ours !== undefined ? (check(row.ours, row.naive, ratio) ? "pass" : "miss") : "";
    this.rows.push({ ...rest, ratio, result });
  }
}

interface ScenarioTargets {
  p99: string;
  cpu: string;
  perConn: string;
  bytes: string;
}
interface ScenarioChecks {
  p99?: (o: number, n?: number) => boolean;
  cpu?: (o: number, n?: number) => boolean;
  perConn?: (o: number) => boolean;
  bytes?: Check;
}

/** The rows every scenario has: latency, CPU, loop delay, memory, bytes, failures. */
function scenarioRows(table: Table, name: PartName, label: string, targets: ScenarioTargets, checks: ScenarioChecks, keys = { ours: `${name}/ours`, naive: `${name}/naive` }): void {
  const o = keys.ours;
  const n = keys.naive;
  if (!table.runs[o] && !table.runs[n]) return;
  const both = (metric: string, pick: (r: RunReport) => number | undefined, unit: string, target = "", check?: Check) =>
    table.add({ scenario: label, metric, ours: table.med(o, pick), naive: table.med(n, pick), unit, target, check });
  const p = (r: RunReport) => r.parts[name];
  const latencyName = table.runs[o]?.[0]?.parts[name]?.latencyName ?? "latency";
  both(`p50 ${latencyName}`, (r) => p(r)?.latency.p50, "ms");
  both(`p99 ${latencyName}`, (r) => p(r)?.latency.p99, "ms", targets.p99, checks.p99);
  serverLatencyRows(table, o, name, label);
  both("server CPU", (r) => r.server?.cpuPercentOfOneCore, "% of a core", targets.cpu, checks.cpu);
  table.add({ scenario: label, metric: "server event-loop delay p99 (worst 2 s sample)", ours: table.med(o, (r) => r.server?.loopDelayP99Ms), unit: "ms", target: "" });
  both("server RSS at load", (r) => r.server?.loadRssMB, "MB");
  both("RSS per connection (load − idle)", (r) => r.server?.rssPerConnectionKB, "KB", targets.perConn, checks.perConn);
  both("RSS per connection, marginal (slope over the ramp)", (r) => r.server?.rssPerConnectionMarginalKB, "KB");
  both("bytes per client per second", (r) => p(r)?.bytesPerClientPerSecond, "B/s", targets.bytes, checks.bytes);
  const failed = (r: RunReport) => (p(r)?.errors ?? 0) + (p(r)?.disconnects ?? 0);
  table.add({ scenario: label, metric: "errors + disconnects (worst run)", ours: table.worst(o, failed), naive: table.worst(n, failed), unit: "", target: "0", check: (v) => v === 0 });
}

/**
 * The server-side latency of a part (ours: its /metrics histogram over the
 * window, interpolated within buckets): what to believe when the generator
 * is saturated. The naive servers have no histograms.
 */
function serverLatencyRows(table: Table, key: string, name: PartName, label: string): void {
  const metric = table.runs[key]?.find((r) => r.server?.latency?.[name])?.server?.latency?.[name]?.metric;
  if (!metric) return;
  const s = (r: RunReport) => r.server?.latency?.[name];
  table.add({ scenario: label, metric: `server-side p50 (${metric})`, ours: table.med(key, (r) => s(r)?.p50Ms), unit: "ms", target: "" });
  table.add({ scenario: label, metric: `server-side p99 (${metric})`, ours: table.med(key, (r) => s(r)?.p99Ms), unit: "ms", target: "" });
}

/** Long polls: abandoned polls leave the registry; the heap after abandoning them (information only). */
function longpollLeakRows(table: Table, label: string): void {
  if (!table.runs["longpoll/ours"]) return;
  longpollAbandonRow(table, label, "longpoll/ours");
  const growth = (r: RunReport) => (r.server?.loadHeapMB !== undefined && r.server.idleHeapMB !== undefined ? r.server.loadHeapMB - r.server.idleHeapMB : undefined);
  const left = (r: RunReport) => (r.server?.afterHeapMB !== undefined && r.server.idleHeapMB !== undefined ? r.server.afterHeapMB - r.server.idleHeapMB : undefined);
  // Information only: the heap is read before V8's next full GC, so it still holds the closed polls' garbage.
  table.add({ scenario: label, metric: `heap above idle 3 s after abandoning (at load: +${fmt(table.med("longpoll/ours", growth))} MB; before GC)`, ours: table.med("longpoll/ours", left), unit: "MB", target: "" });
}

function longpollAbandonRow(table: Table, label: string, key: string): void {
  const abandoned = (r: RunReport) => r.parts.longpoll?.details.parkedAfterAbandon;
  table.add({ scenario: label, metric: "polls still parked after abandoning them (worst run)", ours: table.worst(key, abandoned), naive: table.worst("longpoll/naive", abandoned), unit: "", target: "0", check: (v) => v === 0 });
}

/**
 * Mixed: each part's p99 against its solo run, failures, and the server's
 * load. `suffix` "-split": the room process + api process deployment and its
 * own solo runs.
 */
function mixedRows(table: Table, sizes: BenchSizes, suffix = ""): void {
  const mixedKey = `mixed${suffix}/ours`;
  if (!table.runs[mixedKey]) return;
  const m = sizes.mixed;
  const deployment = suffix ? "; a room process + an api process on Redis, server figures summed" : "";
  const label = `mixed${suffix}: ${m.players} players + ${m.subscribers} SSE + ${m.polls} polls, ${m.duration} s (vs solo runs at those sizes${deployment})`;
  for (const name of ["arena", "sse", "longpoll"] as const) {
    const p99 = (r: RunReport) => r.parts[name]?.latency.p99;
    table.add({ scenario: label, metric: `${name} p99 (mixed vs solo)`, ours: table.med(mixedKey, p99), naive: table.med(`solo${suffix}-${name}/ours`, p99), unit: "ms", target: "≤ 1.5× solo", check: (_o, _n, ratio) => ratio !== undefined && ratio <= 1.5 });
  }
  // The same comparison as the server measured it: free of the generator's queueing.
  for (const name of ["arena", "sse", "longpoll"] as const) {
    const p99 = (r: RunReport) => r.server?.latency?.[name]?.p99Ms;
    if (table.med(mixedKey, p99) === undefined) continue;
    table.add({ scenario: label, metric: `${name} server-side p99 (mixed vs solo)`, ours: table.med(mixedKey, p99), naive: table.med(`solo${suffix}-${name}/ours`, p99), unit: "ms", target: "≤ 1.5× solo", check: (_o, _n, ratio) => ratio !== undefined && ratio <= 1.5 });
  }
  const failures = (r: RunReport) => r.errors + Object.values(r.parts).reduce((n, p) => n + p!.disconnects, 0);
  table.add({ scenario: label, metric: "errors + disconnects, all parts and writers (worst run)", ours: table.worst(mixedKey, failures), unit: "", target: "0", check: (v) => v === 0 });
  table.add({ scenario: label, metric: "server CPU", ours: table.med(mixedKey, (r) => r.server?.cpuPercentOfOneCore), unit: "% of a core", target: "" });
  table.add({ scenario: label, metric: "server event-loop delay p99 (worst 2 s sample)", ours: table.med(mixedKey, (r) => r.server?.loopDelayP99Ms), unit: "ms", target: "" });
  table.add({ scenario: label, metric: "server RSS at load", ours: table.med(mixedKey, (r) => r.server?.loadRssMB), unit: "MB", target: "" });
}

/** Every row of the table, with the targets of docs/performance.md. */
export function benchRows(runs: Runs, sizes: BenchSizes): TableRow[] {
  const table = new Table(runs);
  scenarioRows(table, "arena", `arena: ${sizes.arena.players} players / ${sizes.arena.rooms} rooms, 20 Hz`, { p99: "≤ 80 ms", cpu: "< 60%", perConn: "≤ 64 KB", bytes: "≤ 0.40× naive" }, {
    p99: (o) => o <= 80,
    cpu: (o) => o < 60,
    perConn: (o) => o <= 64,
    bytes: (_o, _n, ratio) => ratio !== undefined && ratio <= 0.4,
  });
  scenarioRows(table, "sse", `sse: ${sizes.sse.subscribers} subscribers, 10 changes/s`, { p99: "≤ naive", cpu: "≤ naive", perConn: "≤ 16 KB", bytes: "≤ 0.25× naive" }, {
    p99: (o, n) => n !== undefined && o <= n,
    cpu: (o, n) => n !== undefined && o <= n,
    perConn: (o) => o <= 16,
    bytes: (_o, _n, ratio) => ratio !== undefined && ratio <= 0.25,
  });
  const longpollLabel = `longpoll: ${sizes.longpoll.polls} parked polls`;
  scenarioRows(table, "longpoll", longpollLabel, { p99: "≤ naive", cpu: "", perConn: "≤ 16 KB", bytes: "" }, { p99: (o, n) => n !== undefined && o <= n, perConn: (o) => o <= 16 });
  longpollLeakRows(table, longpollLabel);
  const apiLabel = `longpoll on an api process (PROCESS_ROLE=api, Redis): ${sizes.longpoll.polls} parked polls`;
  if (table.runs["longpoll-api/ours"]) {
    scenarioRows(table, "longpoll", apiLabel, { p99: "≤ naive", cpu: "", perConn: "≤ 16 KB", bytes: "" }, { p99: (o, n) => n !== undefined && o <= n, perConn: (o) => o <= 16 }, { ours: "longpoll-api/ours", naive: "longpoll/naive" });
    longpollAbandonRow(table, apiLabel, "longpoll-api/ours");
  }
  mixedRows(table, sizes);
  mixedRows(table, sizes, "-split");
  return table.rows;
}

/** The table as markdown lines (a scenario's label on its first row only). */
export function markdownRows(rows: TableRow[]): string[] {
  let lastScenario = "";
  return rows.map((row) => {
    const scenario = row.scenario === lastScenario ? "" : row.scenario;
    lastScenario = row.scenario;
    const value = (v?: number) => (v === undefined ? "–" : `${fmt(v, !row.unit || Math.abs(v) >= 100 ? 0 : 1)}${row.unit && !row.unit.startsWith("%") ? ` ${row.unit}` : row.unit ? "%" : ""}`);
    return `| ${scenario} | ${row.metric} | ${value(row.ours)} | ${value(row.naive)} | ${row.ratio === undefined ? "–" : `${row.ratio.toFixed(2)}×`} | ${row.target || "–"} | ${row.result || "–"} |`;
  });
}
