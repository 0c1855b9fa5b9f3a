import { CronExpressionParser } from "cron-parser";
import { AppError } from "../../errors.ts";
import { RESET_SCHEDULES, type LeaderboardConfig } from "../../leaderboards.ts";

/**
 * Which period a board's read or write lands in. Resets are lazy: a period
 * is a function of the board's `reset` schedule (UTC) and the time.
 */

/** The period every non-resetting board has. */
export const ALL_TIME_PERIOD = "all";

export interface ResolvedPeriod {
  key: string;
  /** ms; 0 for `all`. */
  startMs: number;
  /** ms of the next reset; null if the board never resets. */
  endMs: number | null;
}

/** The cron expression of a reset (`daily`/`weekly`/`monthly` are named schedules). */
export function cronOf(reset: string): string {
  return (RESET_SCHEDULES as Record<string, string>)[reset] ?? reset;
}

export function currentPeriod(config: Pick<LeaderboardConfig, "reset">, nowMs: number): ResolvedPeriod {
  if (config.reset === null) return { key: ALL_TIME_PERIOD, startMs: 0, endMs: null };
  const cron = cronOf(config.reset);
  // prev() is strictly before currentDate: +1 ms makes a reset at exactly `now` count as started.
  const start = CronExpressionParser.parse(cron, { currentDate: new Date(nowMs + 1), tz: "UTC" }).prev().getTime();
  const end = CronExpressionParser.parse(cron, { currentDate: new Date(nowMs), tz: "UTC" }).next().getTime();
  return { key: new Date(start).toISOString(), startMs: start, endMs: end };
}

/** Resolves a `period` parameter (see `PeriodParam` in shared/leaderboards.ts). */
export function resolvePeriod(config: Pick<LeaderboardConfig, "id" | "reset">, param: string | undefined, nowMs: number): ResolvedPeriod {
  const current = currentPeriod(config, nowMs);
  if (param === undefined || param === "current") return current;
  if (config.reset === null) {
    if (param === ALL_TIME_PERIOD || param === "previous") return current;
    throw periodError(config.id, param, "this board never resets; its only period is `all`");
  }
  const cron = cronOf(config.reset);
  if (param === "previous") {
    const start = CronExpressionParser.parse(cron, { currentDate: new Date(current.startMs), tz: "UTC" }).prev().getTime();
    return { key: new Date(start).toISOString(), startMs: start, endMs: current.startMs };
  }
  const startMs = Date.parse(param);
  if (param === ALL_TIME_PERIOD || Number.isNaN(startMs) || new Date(startMs).toISOString() !== param) {
    throw periodError(config.id, param, "expected current, previous or the ISO-8601 start of a period");
  }
  if (startMs > current.startMs) throw periodError(config.id, param, "that period has not started");
  const endMs = CronExpressionParser.parse(cron, { currentDate: new Date(startMs), tz: "UTC" }).next().getTime();
  return { key: param, startMs, endMs };
}

function periodError(boardId: string, param: string, why: string): AppError {
  return new AppError("VALIDATION_FAILED", `Invalid period ${JSON.stringify(param)} for leaderboard ${boardId}: ${why}`, {
    details: { issues: [{ path: "period", message: why }] },
  });
}
