import type { PartName } from "../client-host.ts";
import type { RunReport, TimelinePoint } from "../run-report.ts";
import { comparisonRows, reportRows, type Row } from "./text.ts";

/**
 * A self-contained HTML report (no scripts, no CDN): the final tables and
 * inline SVG charts of the per-second timeline — latency (p50/p99 of the
 * samples that arrived each second), connections, messages per second and
 * the server's CPU and RSS — with the measured window shaded.
 */
export function renderHtml(reports: RunReport[], title = "Load test"): string {
  const sections = reports.map((report) => section(report)).join("\n");
  const ours = reports.find((r) => r.target === "ours");
  const naive = reports.find((r) => r.target === "naive");
  const comparison = ours && naive ? `<h2>ours vs naive (${esc(ours.scenario)}; &lt; 1× means ours is lower)</h2>${table(comparisonRows(ours, naive))}` : "";
  const first = reports[0];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}h3{font-size:15px;margin:18px 0 4px}
table{border-collapse:collapse;margin:8px 0}td{padding:3px 10px;border-bottom:1px solid #eee;vertical-align:top}td:first-child{color:#555;white-space:nowrap}
.charts{display:grid;grid-template-columns:1fr;gap:8px}svg{background:#fafafa;border:1px solid #eee}
.muted{color:#777}
</style></head><body>
<h1>${esc(title)}</h1>
<p class="muted">${first ? `${esc(first.startedAt)} · ${esc(first.machine.cpu)} × ${first.machine.cores} · Node ${esc(first.machine.node)} · ${esc(first.machine.platform)}` : ""}</p>
${comparison}
${sections}
</body></html>
`;
}

const PART_COLORS: Record<PartName, string> = { arena: "#1f77b4", sse: "#d62728", longpoll: "#2ca02c" };

function section(report: RunReport): string {
  const parts = Object.keys(report.parts) as PartName[];
  const tl = report.timeline;
  const window = measuredSpan(tl);
  const charts: string[] = [];
  if (parts.some((p) => tl.some((point) => point.parts[p]))) {
    charts.push(
      lineChart(
        "Latency over time (per second)",
        "ms",
        parts.flatMap((p) => [
          { name: `${p} p99`, color: PART_COLORS[p], points: series(tl, (point) => point.parts[p]?.p99) },
          { name: `${p} p50`, color: PART_COLORS[p], dashed: true, points: series(tl, (point) => point.parts[p]?.p50) },
        ]),
        window,
      ),
      lineChart(
        "Connections over time",
        "open",
        parts.flatMap((p) => [
          { name: p, color: PART_COLORS[p], points: series(tl, (point) => point.parts[p]?.connected) },
          // Between two streams (a rotation or drop a moment ago), resuming: shown when there were any.
          ...(tl.some((point) => point.parts[p]?.resuming) ? [{ name: `${p} resuming`, color: PART_COLORS[p], dashed: true, points: series(tl, (point) => point.parts[p]?.resuming) }] : []),
        ]),
        window,
      ),
      lineChart("Messages received per second", "msg/s", parts.map((p) => ({ name: p, color: PART_COLORS[p], points: series(tl, (point) => point.parts[p]?.messages) })), window),
    );
  }
  if (tl.some((p) => p.serverCpuPercent !== undefined)) {
    charts.push(lineChart("Server CPU", "% of one core", [{ name: "CPU", color: "#9467bd", points: series(tl, (p) => p.serverCpuPercent) }], window));
  }
  const memory = report.memory.filter((m) => m.rssMB !== undefined);
  if (tl.some((p) => p.serverRssMB !== undefined) || memory.length > 2) {
    const mem = [{ name: "RSS", color: "#8c564b", points: series(tl, (p) => p.serverRssMB) }];
    const heap = report.memory.filter((m) => m.heapUsedMB !== undefined).map((m) => [m.t, m.heapUsedMB!] as [number, number]);
    if (heap.length > 1) mem.push({ name: "heap used (samples)", color: "#e377c2", points: heap });
    charts.push(lineChart("Server memory", "MB", mem, window));
  }
  return `<h2>${esc(report.scenario)} — ${esc(report.target)}</h2>
${table(reportRows(report))}
<div class="charts">${charts.join("\n")}</div>`;
}

function measuredSpan(tl: TimelinePoint[]): { from: number; to: number } | undefined {
  const measured = tl.filter((p) => p.phase === "measure");
  return measured.length ? { from: measured[0].t - 1, to: measured.at(-1)!.t } : undefined;
}

function series(tl: TimelinePoint[], value: (p: TimelinePoint) => number | undefined): [number, number][] {
  return tl.flatMap((p) => {
    const v = value(p);
    return v === undefined || !Number.isFinite(v) ? [] : [[p.t, v] as [number, number]];
  });
}

function table(rows: Row[]): string {
  return `<table>${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join("")}</table>`;
}

interface Series {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
}

/** A line chart as inline SVG: x in seconds, y from 0 to a rounded maximum, the measured window shaded. */
export function lineChart(title: string, unit: string, all: Series[], shade?: { from: number; to: number }): string {
  const W = 960;
  const H = 260;
  const m = { left: 56, right: 16, top: 28, bottom: 44 };
  const list = all.filter((s) => s.points.length > 0);
  const xs = list.flatMap((s) => s.points.map(([x]) => x));
  const ys = list.flatMap((s) => s.points.map(([, y]) => y));
  const xMax = Math.max(1, ...xs, shade?.to ?? 0);
  const yMax = niceCeil(Math.max(1e-9, ...ys) * 1.05);
  const px = (x: number) => m.left + (x / xMax) * (W - m.left - m.right);
  const py = (y: number) => H - m.bottom - (y / yMax) * (H - m.top - m.bottom);
  const ticks = Array.from({ length: 5 }, (_, i) => (yMax * i) / 4);
  const xStep = niceCeil(xMax / 6);
  const xTicks = Array.from({ length: Math.floor(xMax / xStep) + 1 }, (_, i) => i * xStep);
  const lines = list
    .map((s) => {
      const d = s.points.map(([x, y], i) => `${i ? "L" : "M"}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join("");
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/>`;
    })
    .join("");
  const legend = list
    .map((s, i) => `<g transform="translate(${m.left + 8 + i * 150},${H - 12})"><line x1="0" y1="-4" x2="18" y2="-4" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/><text x="24" y="0">${esc(s.name)}</text></g>`)
    .join("");
  const shaded = shade
    ? `<rect x="${px(Math.max(0, shade.from)).toFixed(1)}" y="${m.top}" width="${Math.max(0, px(shade.to) - px(Math.max(0, shade.from))).toFixed(1)}" height="${H - m.top - m.bottom}" fill="#e8f0fe"/><text x="${(px(Math.max(0, shade.from)) + 4).toFixed(1)}" y="${m.top + 12}" fill="#6a8bd0" font-size="11">measured window</text>`
    : "";
  const body = list.length
    ? `${lines}`
    : `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#999">no data</text>`;
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(title)}" font-family="system-ui,sans-serif" font-size="11">
<text x="${m.left}" y="18" font-size="13" font-weight="600">${esc(title)}</text>
${shaded}
${ticks.map((t) => `<line x1="${m.left}" x2="${W - m.right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" stroke="#e4e4e4"/><text x="${m.left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${fmtTick(t)}</text>`).join("")}
${xTicks.map((t) => `<text x="${px(t).toFixed(1)}" y="${H - m.bottom + 14}" text-anchor="middle">${t}s</text>`).join("")}
<text x="14" y="${(m.top + H - m.bottom) / 2}" transform="rotate(-90 14 ${(m.top + H - m.bottom) / 2})" text-anchor="middle" fill="#555">${esc(unit)}</text>
${body}
${legend}
</svg>`;
}

function niceCeil(n: number): number {
  const power = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= n) return step * power;
  return 10 * power;
}

const fmtTick = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(0) : n.toFixed(1));

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
