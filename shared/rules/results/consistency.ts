import type { MatchResult, PlayerMatchStats, TeamSide } from "../../match-result.ts";
import type { ValidationIssue } from "../../validation.ts";

/**
 * How far in the future (by the recording server's clock) a result's
 * `startedAt` / `endedAt` may lie: clocks of the game's processes and of an
 * operator's importer are never exactly in step.
 */
export const RESULT_CLOCK_SKEW_SECONDS = 120;

/** `NvN` modes: the players per side. */
const MODE = /^([1-9][0-9]?)v([1-9][0-9]?)$/;
const STAT_KEYS: readonly (keyof PlayerMatchStats)[] = ["goals", "assists", "shots", "saves", "touches"];
const SIDES: readonly TeamSide[] = ["home", "away"];

const isCount = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

/**
 * Everything that makes a match result impossible, as `{path, message}`
 * issues (empty: the result could have happened). One rule set for every
 * result the store records, whether a game room built it or an operator
 * posted it (`POST /v1/admin/match-results`):
 * - counts (stats, scores, own goals) are non-negative integers;
 * - the mode is `NvN` and each side has at most N players, each player once;
 * - each team's stats are the sums of its players' stats, and its score is
 *   its players' goals plus the own goals it was credited;
 * - the winner follows the score (unless a side forfeited, then it is the other side);
 * - `endedAt` is after `startedAt`, neither further than
 *   {@link RESULT_CLOCK_SKEW_SECONDS} in the future.
 * The shape itself (types, id formats) is the schema's job (MatchResultSchema).
 */
export function matchResultIssues(result: MatchResult, nowMs: number): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const issue = (path: string, message: string) => void issues.push({ path, message });

  const mode = MODE.exec(result.mode);
  const perSide = mode && mode[1] === mode[2] ? Number(mode[1]) : undefined;
  if (perSide === undefined) issue("mode", `mode must be NvN with the same N on both sides (e.g. 2v2); got ${JSON.stringify(result.mode)}`);

  const seen = new Map<string, number>();
  const sums: Record<TeamSide, PlayerMatchStats & { players: number }> = {
    home: { goals: 0, assists: 0, shots: 0, saves: 0, touches: 0, players: 0 },
    away: { goals: 0, assists: 0, shots: 0, saves: 0, touches: 0, players: 0 },
  };
  result.players.forEach((player, i) => {
    const first = seen.get(player.playerId);
    if (first !== undefined) issue(`players.${i}.playerId`, `player ${player.playerId} appears twice (also players.${first})`);
    else seen.set(player.playerId, i);
    const sum = sums[player.side];
    if (!sum) return issue(`players.${i}.side`, "side must be home or away");
    sum.players++;
    for (const key of STAT_KEYS) {
      const value = player.stats?.[key];
      if (!isCount(value)) issue(`players.${i}.stats.${key}`, "must be a non-negative integer");
      else sum[key] += value;
    }
  });

  for (const side of SIDES) {
    const team = result.teams?.[side];
    const sum = sums[side];
    if (!team) {
      issue(`teams.${side}`, "missing");
      continue;
    }
    if (perSide !== undefined && sum.players > perSide) issue("players", `the ${side} side has ${sum.players} players; mode ${result.mode} allows at most ${perSide}`);
    for (const key of STAT_KEYS) {
      const value = team.stats?.[key];
      if (!isCount(value)) issue(`teams.${side}.stats.${key}`, "must be a non-negative integer");
      else if (value !== sum[key]) issue(`teams.${side}.stats.${key}`, `is ${value} but the ${side} players' ${key} add up to ${sum[key]}`);
    }
    const ownGoals = team.ownGoals ?? 0;
    if (!isCount(ownGoals)) issue(`teams.${side}.ownGoals`, "must be a non-negative integer");
    if (!isCount(team.score)) issue(`teams.${side}.score`, "must be a non-negative integer");
    else if (isCount(ownGoals) && team.score !== sum.goals + ownGoals) {
      issue(`teams.${side}.score`, `is ${team.score} but the ${side} players scored ${sum.goals}${ownGoals ? ` and the other side ${ownGoals} own goal(s)` : ""}`);
    }
  }

  if (result.teams?.home && result.teams?.away) {
    const { home, away } = result.teams;
    const byScore = home.score === away.score ? "draw" : home.score > away.score ? "home" : "away";
    const expected = result.forfeitedBy ? (result.forfeitedBy === "home" ? "away" : "home") : byScore;
    if (result.winner !== expected) {
      issue("winner", result.forfeitedBy ? `the ${result.forfeitedBy} side forfeited, so the winner is ${expected}` : `the score says ${expected}`);
    }
  }

  const started = Date.parse(result.startedAt);
  const ended = Date.parse(result.endedAt);
  const latest = nowMs + RESULT_CLOCK_SKEW_SECONDS * 1000;
  if (!Number.isFinite(started)) issue("startedAt", "must be an ISO-8601 time");
  else if (started > latest) issue("startedAt", "is in the future");
  if (!Number.isFinite(ended)) issue("endedAt", "must be an ISO-8601 time");
  else if (ended > latest) issue("endedAt", "is in the future");
  if (Number.isFinite(started) && Number.isFinite(ended) && ended <= started) issue("endedAt", "must be after startedAt");
  return issues;
}
