import { z } from "zod";
import { IdPatterns } from "./ids.ts";
import { displayText } from "./text.ts";

/**
 * The immutable record a finished game room writes (docs/architecture.md "How a match result flows"). One
 * per match id; recording it again is a no-op that returns the first.
 */
export const MatchId = z.string().regex(IdPatterns.match, "not a match id");

export type TeamSide = "home" | "away";

export interface PlayerMatchStats {
  goals: number;
  assists: number;
  shots: number;
  saves: number;
  touches: number;
}

export interface MatchResultPlayer {
  playerId: string;
  name: string;
  side: TeamSide;
  stats: PlayerMatchStats;
}

export interface MatchResultTeam {
  /** Set when the side came from a team room. */
  teamId?: string;
  name: string;
  score: number;
  /** Sum of the side's player stats. */
  stats: PlayerMatchStats;
  /**
   * Goals this side was credited that none of its players scored (the other
   * side's own goals). Omitted when 0. `score` = its players' goals + this.
   */
  ownGoals?: number;
}

export interface MatchResult {
  matchId: string;
  /** e.g. "2v2" */
  mode: string;
  teams: Record<TeamSide, MatchResultTeam>;
  players: MatchResultPlayer[];
  winner: TeamSide | "draw";
  /** Set when the match ended because a side was empty past its reconnection window. */
  forfeitedBy?: TeamSide;
  /** ISO-8601 */
  startedAt: string;
  /** ISO-8601 */
  endedAt: string;
}

/** A result as stored: the record plus where it sits in the global results feed. */
export interface RecordedMatchResult extends MatchResult {
  /** ISO-8601 time the store first recorded it. */
  recordedAt: string;
  /** Position in the results feed (strictly increasing per store). */
  seq: number;
}

/**
 * The format validator for results entering through the admin API
 * (`POST /v1/admin/match-results`); the game room builds its results in code.
 * Whether a result could have happened at all (scores, sides, times) is
 * checked for every result, from either source, by `matchResultIssues`
 * (shared/rules/results/consistency.ts) when the store records it.
 */
const StatCount = z.number().int().min(0).max(1_000_000);
const PlayerMatchStatsSchema = z.strictObject({ goals: StatCount, assists: StatCount, shots: StatCount, saves: StatCount, touches: StatCount });
const ResultPlayerId = z.string().regex(IdPatterns.owner, "not a player id");
const IsoTime = z.iso.datetime({ offset: true });
const TeamSideSchema = z.enum(["home", "away"]);
const MatchResultTeamSchema = z.strictObject({
  teamId: z.string().min(1).max(128).optional(),
  name: displayText("name", { max: 64 }),
  score: StatCount,
  stats: PlayerMatchStatsSchema,
  ownGoals: StatCount.optional(),
});

export const MatchResultSchema = z
  .strictObject({
    matchId: MatchId,
    mode: z.string().min(1).max(32),
    teams: z.strictObject({ home: MatchResultTeamSchema, away: MatchResultTeamSchema }),
    players: z
      .array(z.strictObject({ playerId: ResultPlayerId, name: displayText("name", { max: 64 }), side: TeamSideSchema, stats: PlayerMatchStatsSchema }))
      .max(64)
      .refine((players) => new Set(players.map((p) => p.playerId)).size === players.length, "a player appears twice"),
    winner: z.enum(["home", "away", "draw"]),
    forfeitedBy: TeamSideSchema.optional(),
    startedAt: IsoTime,
    endedAt: IsoTime,
  })
  .refine((r) => r.winner === (r.teams.home.score === r.teams.away.score ? "draw" : r.teams.home.score > r.teams.away.score ? "home" : "away") || r.forfeitedBy !== undefined, {
    message: "winner does not match the score",
    path: ["winner"],
  }) satisfies z.ZodType<MatchResult>;
