import type { GameSide, MatchResult, MatchResultPlayer, PlayerMatchStats } from "../../index.ts";
import { emptyStats, SIDES, type World } from "./world.ts";

export interface MatchMeta {
  matchId: string;
  teams: Record<GameSide, { name: string; teamId?: string }>;
}

/**
 * The one immutable record of a finished match (shared/match-result.ts).
 * Every player who took part is listed, including those who left after
 * kickoff; team stats are the sums of their players'.
 */
export function buildMatchResult(world: World, meta: MatchMeta): MatchResult {
  if (world.phase !== "finished" || world.startedAtMs === undefined || world.endedAtMs === undefined) {
    throw new Error("buildMatchResult needs a finished match");
  }
  const players: MatchResultPlayer[] = [...world.players.values()]
    .sort((a, b) => (a.side === b.side ? a.slot - b.slot : a.side === "home" ? -1 : 1))
    .map((p) => ({ playerId: p.playerId, name: p.name, side: p.side, stats: { ...p.stats } }));
  const teamStats = (side: GameSide): PlayerMatchStats =>
    players.filter((p) => p.side === side).reduce((sum, p) => addStats(sum, p.stats), emptyStats());
  const forfeitedBy = world.end?.forfeitedBy;
  const winner = forfeitedBy
    ? forfeitedBy === "home" ? "away" : "home"
    : world.score.home === world.score.away ? "draw" : world.score.home > world.score.away ? "home" : "away";
  const teams = Object.fromEntries(
    SIDES.map((side) => {
      const stats = teamStats(side);
      // Goals the side got without a scorer of its own: the other side's own goals.
      const ownGoals = world.score[side] - stats.goals;
      return [
        side,
        {
          ...(meta.teams[side].teamId ? { teamId: meta.teams[side].teamId } : {}),
          name: meta.teams[side].name,
          score: world.score[side],
          stats,
          ...(ownGoals > 0 ? { ownGoals } : {}),
        },
      ];
    }),
  ) as MatchResult["teams"];
  const result: MatchResult = {
    matchId: meta.matchId,
    mode: `${world.config.teamSize}v${world.config.teamSize}`,
    teams,
    players,
    winner,
    ...(forfeitedBy ? { forfeitedBy } : {}),
    startedAt: new Date(world.startedAtMs).toISOString(),
    // A match lasts at least one step, even when several steps ran in the same millisecond.
    endedAt: new Date(Math.max(world.endedAtMs, world.startedAtMs + 1)).toISOString(),
  };
  return deepFreeze(result);
}

function addStats(a: PlayerMatchStats, b: PlayerMatchStats): PlayerMatchStats {
  return { goals: a.goals + b.goals, assists: a.assists + b.assists, shots: a.shots + b.shots, saves: a.saves + b.saves, touches: a.touches + b.touches };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
