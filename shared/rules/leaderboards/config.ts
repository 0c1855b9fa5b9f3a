import { CronExpressionParser } from "cron-parser";
import { AppError } from "../../errors.ts";
import { LeaderboardConfigInput, RESET_SCHEDULES, type LeaderboardConfig, type LeaderboardConfigPatch } from "../../leaderboards.ts";
import { parseOrThrow } from "../../validation.ts";

/**
 * A leaderboard's config rules: what a new board looks like, what an update
 * may change, which resets parse. Both store implementations apply them.
 */

/** Validates an input (zod + cron) into a full config. */
export function newConfig(input: unknown, nowMs: number): LeaderboardConfig {
  const parsed = parseOrThrow(LeaderboardConfigInput, input, "leaderboard config");
  const reset = parsed.reset === null ? null : normaliseReset(parsed.reset);
  const now = new Date(nowMs).toISOString();
  return {
    id: parsed.id,
    title: parsed.title ?? parsed.id,
    sort: parsed.sort,
    operator: parsed.operator,
    reset,
    metadata: parsed.metadata,
    visibility: parsed.visibility,
    revision: 1,
    createdAt: now,
    updatedAt: now,
  };
}

export function patchedConfig(config: LeaderboardConfig, patch: LeaderboardConfigPatch, nowMs: number): LeaderboardConfig {
  if (patch.sort !== undefined && patch.sort !== config.sort) {
    throw new AppError("CONFLICT", `The sort order of leaderboard ${config.id} cannot change (every rank would change meaning); create a new board`);
  }
  const visibility = patch.visibility ?? config.visibility;
  const metadata = patch.metadata ?? config.metadata;
  if (visibility === "league-members" && typeof metadata.leagueId !== "string") {
    throw new AppError("VALIDATION_FAILED", `Invalid leaderboard update: a league-members board names its league in metadata.leagueId (a string)`, {
      details: { issues: [{ path: "metadata", message: "a league-members board names its league in metadata.leagueId" }] },
    });
  }
  return {
    ...config,
    title: patch.title ?? config.title,
    operator: patch.operator ?? config.operator,
    reset: patch.reset === undefined ? config.reset : patch.reset === null ? null : normaliseReset(patch.reset),
    metadata,
    visibility,
    revision: config.revision + 1,
    updatedAt: new Date(nowMs).toISOString(),
  };
}

/**
 * A config as stored (Redis JSON). Boards stored before visibility existed
 * read as `public`, except fantasy standings, which read as `league-members`.

/** `daily`/`weekly`/`monthly` stay named; a cron expression must parse. */
export function normaliseReset(reset: string): string {
  const trimmed = reset.trim();
  if (Object.hasOwn(RESET_SCHEDULES, trimmed)) return trimmed;
  try {
    CronExpressionParser.parse(trimmed, { tz: "UTC" });
  } catch (error) {
    throw new AppError("VALIDATION_FAILED", `Invalid reset: ${trimmed} is neither daily, weekly, monthly nor a cron expression (${(error as Error).message})`, {
      details: { issues: [{ path: "reset", message: (error as Error).message }] },
    });
  }
  return trimmed;
}
