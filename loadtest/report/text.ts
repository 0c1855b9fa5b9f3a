import type { PartReport } from "../aggregate.ts";
import type { LatencySummary } from "../latency.ts";
import type { PartAggregate } from "../aggregate.ts";
import type { PartName } from "../client-host.ts";
import type { RunReport, TimelinePoint } from "../run-report.ts";

export type Row = [string, string];

const num = (n: number | undefined, digits = 1) => (n === undefined || !Number.isFinite(n) ? "–" : n.toFixed(digits));
export const latencyText = (l: LatencySummary) => `${num(l.p50)} / ${num(l.p90)} / ${num(l.p99)} / ${num(l.max)} ms (${l.count} samples)`;
export const bytesText = (n: number) => (n >= 1024 * 1024 ? `${(n / 1048576).toFixed(2)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${Math.round(n)} B`);

/** Subscribers between two streams (a rotation or a drop a moment ago), about to resume. */
const between = (n: number) => (n ? ` + ${n} resuming` : "");

const CLIENT_NOUN: Record<PartReport["part"], string> = { arena: "players", sse: "subscribers", longpoll: "polls" };

function errorKinds(part: PartReport): string {
  const kinds = Object.entries(part.details).filter(([key]) => key.startsWith("errors."));
  return kinds.length ? ` (${kinds.map(([key, n]) => `${key.slice("errors.".length)} ${n}`).join(", ")})` : "";
}

function partRows(report: RunReport, part: PartReport, prefix: string): Row[] {
  const o = report.options;
  const what =
    part.part === "arena"
      ? `${o.arena?.rooms} rooms, ${o.arena?.rate} Hz input, ${part.details.observers} observing`
      : part.part === "sse"
        ? `${o.sse?.rate} score changes/s, top ${o.sse?.top}, ${part.details.observers ?? part.clients} measuring, ${part.details.writesSent ?? 0} writes (${part.details.writeErrors ?? 0} failed)${part.details.fallbacks ? `, ${part.details.fallbacks} fell back to polling` : ""}`
        : `${part.details.parked ?? "?"} parked, ${part.details.results ?? 0} results, ${part.details.wakeups ?? 0}/${part.details.expectedWakeups ?? "?"} wake-ups, ${part.details.parkedAfterAbandon ?? "?"} still parked after the clients left`;
  const rows: Row[] = [
    [
      `${prefix}clients`,
      `${part.connectedAtStart}${between(part.resumingAtStart)}/${part.clients} ${CLIENT_NOUN[part.part]} at the window's start (${part.connectedAtEnd}${between(part.resumingAtEnd)} at its end); ${what}`,
    ],
    [`${prefix}${part.latencyName} p50 / p90 / p99 / max`, latencyText(part.latency)],
  ];
  const server = report.server?.latency?.[part.part];
  if (server) {
    rows.push([
      `${prefix}server-side p50 / p90 / p99`,
      server.count > 0
        ? `${num(server.p50Ms)} / ${num(server.p90Ms)} / ${num(server.p99Ms)} ms (${server.count} observations; ${server.metric}, the window's histogram delta, interpolated within buckets)`
        : `no observations (${server.metric})`,
    ]);
  }
  if (part.secondaryLatency) rows.push([`${prefix}${part.secondaryLatencyName} p50 / p99`, `${num(part.secondaryLatency.p50)} / ${num(part.secondaryLatency.p99)} ms`]);
  rows.push(
    [`${prefix}messages received`, `${part.messages} (${num(part.messagesPerSecond, 0)}/s)${part.sent ? `, ${part.sent} sent` : ""}`],
    [`${prefix}bytes per client per second`, `${bytesText(part.bytesPerClientPerSecond)}/s (${bytesText(part.bytes)} in the window)`],
  );
  if (part.part === "sse") {
    rows.push(
      [`${prefix}stream rotations`, `${part.rotations} (the server ended a stream cleanly at its lifetime; not failures)`],
      [`${prefix}resumes`, `${part.resumes} (with Last-Event-ID where the stream has ids; ${part.gaps} answered with a snapshot: a gap; ${part.duplicates} duplicate events dropped)`],
    );
  }
  rows.push([`${prefix}failures: errors / disconnects`, `${part.errors} / ${part.disconnects}${errorKinds(part)}`]);
  return rows;
}

/** How ours was deployed, when not one embedded process. */
function topologyLabel(report: RunReport): string {
  const topology = report.target === "ours" && !report.options.url ? report.options.topology : undefined;
  if (topology === "api") return ": one PROCESS_ROLE=api process, private Redis";
  if (topology === "split") return ": a room process + an api process, private Redis; server figures are their sums";
  return "";
}

/** The final table of one run. */
export function reportRows(report: RunReport): Row[] {
  const rows: Row[] = [
    [
      "run",
      `${report.scenario} (${report.target}${topologyLabel(report)}), window ${report.windowSeconds} s, ${report.generator.workers === 1 ? "clients in the main thread" : `${report.generator.workers} client worker threads`}${report.options.rampSeconds ? `, ramp ${report.options.rampSeconds} s` : ""}`,
    ],
  ];
  const parts = Object.values(report.parts) as PartReport[];
  for (const part of parts) rows.push(...partRows(report, part, parts.length > 1 ? `${part.part}: ` : ""));
  const s = report.server;
  if (s) {
    rows.push([`server CPU (${s.source})`, `${num(s.cpuPercentOfOneCore)}% of one core`]);
    if (s.loopDelayP99Ms !== undefined) rows.push(["server event-loop delay p99 / max", `${num(s.loopDelayP99Ms)} / ${num(s.loopDelayMaxMs)} ms (worst ~2 s sample of the window; far below the latencies = the generator's queueing)`]);
    rows.push([
      "server RSS idle → load (peak) → after",
      `${num(s.idleRssMB)} → ${num(s.loadRssMB)} (${num(s.peakRssMB)}) → ${num(s.afterRssMB)} MB; ${num(s.rssPerConnectionKB)} KB per connection (${s.connections})${s.rssPerConnectionMarginalKB !== undefined ? `, ${num(s.rssPerConnectionMarginalKB)} KB marginal (slope over the ramp)` : ""}`,
    ]);
    if (s.idleHeapMB !== undefined) rows.push(["server heap idle → load → after", `${num(s.idleHeapMB)} → ${num(s.loadHeapMB)} → ${num(s.afterHeapMB)} MB`]);
  }
  if (report.memory.length > 2 && report.options.memoryEverySeconds) {
    rows.push(["server memory over time", report.memory.map((m) => `${m.t}s ${num(m.rssMB, 0)}${m.heapUsedMB !== undefined ? `/${num(m.heapUsedMB, 0)}` : ""}`).join(", ") + " MB (RSS/heap)"]);
  }
  const g = report.generator;
  rows.push([
    "generator CPU (whole process)",
    `${num(g.processCpuPercent)}% of one core on ${g.cores} cores; ${g.threads.map((t) => `${t.thread}${t.nice ? ` (nice ${t.nice})` : ""} ${num(t.cpuPercent)}% loop p99 ${num(t.loopDelayP99Ms)} ms`).join(", ") || "no thread stats"}`,
  ]);
  if (g.machineCpuPercent !== undefined) rows.push(["machine CPU (all processes)", `${num(g.machineCpuPercent)}% of ${g.cores * 100}%; other processes ${num(g.otherCpuPercent)}% of one core`]);
  for (const warning of g.warnings) rows.push(["⚠ warning", warning]);
  if (s?.latency && Object.keys(s.latency).length) rows.push(["which latency to believe", whichLatency(report)]);
  for (const note of report.notes) rows.push(["note", note]);
  return rows;
}

/** The line that says which latency figures mean what in this run. */
export function whichLatency(report: RunReport): string {
  return report.generator.saturated
    ? `the server-side figures: the generator was saturated, so the client-side latencies include its own queueing (upper bounds)${report.generator.lighterLoad ? `; and it offered less than the run asked for, so the server-side ones are for a lighter load` : ""}`
    : "both: client-side is end to end (network, client decode); server-side is the server's part of it (no generator queueing)";
}

export const ratioText = (ours: number | undefined, naive: number | undefined) =>
  ours !== undefined && naive !== undefined && naive > 0 && Number.isFinite(ours) ? `${(ours / naive).toFixed(2)}×` : "n/a";

/** ours vs naive, same scenario and load. */
export function comparisonRows(ours: RunReport, naive: RunReport): Row[] {
  const part = ours.scenario as PartReport["part"];
  const o = ours.parts[part]!;
  const n = naive.parts[part]!;
  const row = (label: string, a: number | undefined, b: number | undefined, unit: string): Row => [label, `${num(a)} vs ${num(b)} ${unit} = ${ratioText(a, b)}`];
  return [
    row("p50 latency", o.latency.p50, n.latency.p50, "ms"),
    row("p99 latency", o.latency.p99, n.latency.p99, "ms"),
    ...(ours.server?.latency?.[part] ? [[`server-side p99 (${ours.server.latency[part]!.metric})`, `${num(ours.server.latency[part]!.p99Ms)} ms (ours only: the naive server has no histogram)`] as Row] : []),
    row("server CPU", ours.server?.cpuPercentOfOneCore, naive.server?.cpuPercentOfOneCore, "% of one core"),
    // The offered load: a lagging generator sends fewer inputs to one side than to the other, and the server's CPU follows.
    ...(part === "arena" ? [row("inputs sent per second (the load each server got)", o.sent / ours.windowSeconds, n.sent / naive.windowSeconds, "/s")] : []),
    row("server peak RSS", ours.server?.peakRssMB, naive.server?.peakRssMB, "MB"),
    row("RSS per connection", ours.server?.rssPerConnectionKB, naive.server?.rssPerConnectionKB, "KB"),
    row("bytes per client per second", o.bytesPerClientPerSecond, n.bytesPerClientPerSecond, "B/s"),
  ];
}

export function formatRows(rows: Row[]): string {
  const width = Math.max(...rows.map(([key]) => key.length));
  return rows.map(([key, value]) => `${key.padEnd(width)}  ${value}\n`).join("");
}

/** The live line printed every second while a run is going. */
export function progressLine(point: TimelinePoint, aggregates: Map<PartName, PartAggregate>): string {
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "–");
  const rate = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(n));
  const parts = [...aggregates].map(([name, agg]) => {
    const p = point.parts[name]!;
    return `${name} ${p.connected}${p.resuming ? `+${p.resuming}` : ""}/${agg.clients} ${rate(p.messages)} msg/s p50 ${fmt(p.p50)} p99 ${fmt(p.p99)} ms err ${p.errors}`;
  });
  const server = point.serverCpuPercent !== undefined ? ` | server ${point.serverCpuPercent.toFixed(0)}% ${point.serverRssMB?.toFixed(0)} MB` : "";
  return `t=${point.t}s ${point.phase} | ${parts.join(" | ")}${server}`;
}
