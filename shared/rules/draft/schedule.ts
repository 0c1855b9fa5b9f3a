import type { QuietHours } from "../../fantasy-leagues.ts";
import type { DraftModel } from "./model.ts";

/**
 * Scheduling: a draft that starts itself at `startAt`, and quiet hours (a
 * daily window, local to a time zone, in which a running draft's clock stops
 * and no autopick is made; picks by hand still count).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight in `timeZone` at `now`. */
export function minuteOfDay(now: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(now));
  const value = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return value("hour") * 60 + value("minute");
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether `now` falls in the window [start, end) (local time; a window with start > end wraps past midnight). */
export function inQuietHours(quiet: QuietHours, now: number): boolean {
  const at = minuteOfDay(now, quiet.timeZone);
  const start = minutes(quiet.start);
  const end = minutes(quiet.end);
  return start < end ? at >= start && at < end : at >= start || at < end;
}

/**
 * Stops the running clock when quiet hours begin (keeping what was left) and
 * restarts it with that time when they end. Answers the change, if any.
 */
export function updateQuietHours(model: DraftModel, now: number): "began" | "ended" | undefined {
  const quietHours = model.rules.quietHours;
  if (model.status !== "running") return undefined;
  const quiet = quietHours !== undefined && inQuietHours(quietHours, now);
  if (quiet === model.quiet) return undefined;
  model.quiet = quiet;
  if (quiet) {
    model.clock = { deadline: 0, remainingMs: Math.max(0, model.clock.deadline - now) };
    return "began";
  }
  model.clock = { deadline: now + model.clock.remainingMs, remainingMs: model.clock.remainingMs };
  return "ended";
}

/** Whether a scheduled start is due: the draft is waiting, has a `startAt` and it has passed (and no earlier try failed). */
export function startIsDue(model: DraftModel, now: number): boolean {
  return model.status === "waiting" && model.rules.startAt !== undefined && now >= model.rules.startAt && !model.scheduleFailed;
}
