import type { PartName } from "./client-host.ts";

/**
 * The server's own latency histograms (ours: /metrics), read at both ends of
 * the measured window. Their delta is the window's distribution as the
 * server measured it, free of the generator's queueing: what to believe
 * when the generator is saturated.
 */

/** Which histogram measures each part (docs/operations.md "Metrics"). */
export const SERVER_LATENCY_METRIC: Record<PartName, string> = {
  arena: "room_input_to_patch_seconds",
  sse: "sse_change_to_write_seconds",
  longpoll: "longpoll_result_to_answer_seconds",
};

/** One histogram reading: cumulative counts by upper bound (seconds, +Inf last), sum and count. */
export interface HistogramReading {
  bounds: number[];
  cumulative: number[];
  sum: number;
  count: number;
}

/** The part's server-side latency over the window (ms), from the histogram's delta. */
export interface ServerLatency {
  metric: string;
  /** Observations in the window. */
  count: number;
  p50Ms?: number;
  p90Ms?: number;
  p99Ms?: number;
  meanMs?: number;
}

/** The label-less histograms of a Prometheus text exposition, by name. */
export function parseHistograms(text: string, names: readonly string[]): Record<string, HistogramReading> {
  const out: Record<string, HistogramReading> = {};
  for (const name of names) {
    const bucket = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} ([0-9.eE+-]+)$`, "gm");
    const bounds: number[] = [];
    const cumulative: number[] = [];
    for (const match of text.matchAll(bucket)) {
      bounds.push(match[1] === "+Inf" ? Infinity : Number(match[1]));
      cumulative.push(Number(match[2]));
    }
    const sum = new RegExp(`^${name}_sum ([0-9.eE+-]+)$`, "m").exec(text);
    const count = new RegExp(`^${name}_count ([0-9.eE+-]+)$`, "m").exec(text);
    if (bounds.length && sum && count) out[name] = { bounds, cumulative, sum: Number(sum[1]), count: Number(count[1]) };
  }
  return out;
}

/**
 * A quantile of `after − before`, interpolated linearly inside its bucket
 * (as Prometheus's histogram_quantile does): exact to the bucket's width,
 * an estimate within it. Past the last finite bound it answers that bound.
 */
export function quantileBetween(before: HistogramReading | undefined, after: HistogramReading, q: number): number | undefined {
  const delta = after.cumulative.map((c, i) => c - (before?.cumulative[i] ?? 0));
  const total = delta[delta.length - 1];
  if (!(total > 0)) return undefined;
  const rank = q * total;
  for (let i = 0; i < delta.length; i++) {
    if (delta[i] < rank) continue;
    const upper = after.bounds[i];
    const lower = i === 0 ? 0 : after.bounds[i - 1];
    if (!Number.isFinite(upper)) return lower;
    const below = i === 0 ? 0 : delta[i - 1];
    const inBucket = delta[i] - below;
    return lower + (upper - lower) * (inBucket > 0 ? (rank - below) / inBucket : 1);
  }
  return undefined;
}

/** The window's server-side latency of each part that has a histogram reading at both ends. */
export function serverLatencies(parts: readonly PartName[], start: Record<string, HistogramReading> | undefined, end: Record<string, HistogramReading> | undefined): Partial<Record<PartName, ServerLatency>> {
  const out: Partial<Record<PartName, ServerLatency>> = {};
  for (const part of parts) {
    const metric = SERVER_LATENCY_METRIC[part];
    const after = end?.[metric];
    if (!after) continue;
    const before = start?.[metric];
    const count = after.count - (before?.count ?? 0);
    const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : Math.round(seconds * 10_000) / 10);
    out[part] = {
      metric,
      count,
      p50Ms: ms(quantileBetween(before, after, 0.5)),
      p90Ms: ms(quantileBetween(before, after, 0.9)),
      p99Ms: ms(quantileBetween(before, after, 0.99)),
      meanMs: count > 0 ? ms((after.sum - (before?.sum ?? 0)) / count) : undefined,
    };
  }
  return out;
}
