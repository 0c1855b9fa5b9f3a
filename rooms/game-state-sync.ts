import { ARENA_UNITS_PER_METER, PlayerState, type GameState, type PlayerStatsState, type TeamState, type GameSide, type PlayerMatchStats } from "../shared/index.ts";
import { seatedPlayers, SIDES, type World } from "./arena/index.ts";

const INT16 = 32767;
/** metres → int16 centimetres (clamped: the rules keep values far inside). */
const q16 = (metres: number): number => Math.max(-INT16, Math.min(INT16, Math.round(metres * ARENA_UNITS_PER_METER)));
const ms = (seconds: number, max = 0xffff_ffff): number => Math.min(max, Math.max(0, Math.round(seconds * 1000)));

/**
 * Projects the simulation onto the synchronised schema, quantised. Runs once
 * per patch (onBeforePatch), not per step: the schema only tracks what the
 * next patch sends, and unchanged values send nothing.
 */
export function syncGameState(world: World, state: GameState, spectators: number): void {
  state.phase = world.phase;
  state.timeLeftMs =
    world.phase === "countdown" ? ms(world.countdownLeft) : world.phase === "playing" ? ms(world.clockLeft) : world.phase === "waiting" ? ms(world.config.matchSeconds) : 0;
  state.kickoffInMs = ms(world.freezeLeft, 0xffff);
  state.kickoffSide = world.kickoffSide;
  state.hostId = world.hostId ?? "";
  state.spectators = spectators;

  const seated = new Set<string>();
  for (const player of seatedPlayers(world)) {
    seated.add(player.id);
    let view = state.players.get(player.id);
    if (!view) {
      view = new PlayerState();
      view.playerId = player.playerId;
      view.name = player.name;
      view.side = player.side;
      view.slot = player.slot;
      state.players.set(player.id, view);
    }
    view.x = q16(player.pos.x);
    view.y = q16(player.pos.y);
    view.vx = q16(player.vel.x);
    view.vy = q16(player.vel.y);
    view.connected = player.connected;
    view.ready = player.ready;
    view.lastProcessedInputSeq = player.ackSeq;
    copyStats(view.stats, player.stats);
  }
  for (const id of [...state.players.keys()]) if (!seated.has(id)) state.players.delete(id);

  for (const side of SIDES) syncTeam(world, side, side === "home" ? state.home : state.away);

  state.ball.x = q16(world.ball.pos.x);
  state.ball.y = q16(world.ball.pos.y);
  state.ball.vx = q16(world.ball.vel.x);
  state.ball.vy = q16(world.ball.vel.y);

  if (world.phase === "finished") {
    const forfeitedBy = world.end?.forfeitedBy;
    state.forfeitedBy = forfeitedBy ?? "";
    state.winner = forfeitedBy
      ? forfeitedBy === "home" ? "away" : "home"
      : world.score.home === world.score.away ? "draw" : world.score.home > world.score.away ? "home" : "away";
  }
}

/** Static parts, set once at creation. */
export function initGameState(world: World, state: GameState, meta: { matchId: string; friendly: boolean; teams: Record<GameSide, { name: string; teamId?: string }> }): void {
  const { field, physics, teamSize } = world.config;
  state.matchId = meta.matchId;
  state.teamSize = teamSize;
  state.friendly = meta.friendly;
  state.field.width = q16(field.width);
  state.field.height = q16(field.height);
  state.field.goalWidth = q16(field.goalWidth);
  state.field.playerRadius = q16(physics.playerRadius);
  state.field.ballRadius = q16(physics.ballRadius);
  for (const side of SIDES) {
    const team = side === "home" ? state.home : state.away;
    team.name = meta.teams[side].name;
    team.teamId = meta.teams[side].teamId ?? "";
  }
}

function syncTeam(world: World, side: GameSide, team: TeamState): void {
  team.score = world.score[side];
  const sum: PlayerMatchStats = { goals: 0, assists: 0, shots: 0, saves: 0, touches: 0 };
  for (const player of world.players.values()) {
    if (player.side !== side) continue;
    for (const key of Object.keys(sum) as (keyof PlayerMatchStats)[]) sum[key] += player.stats[key];
  }
  copyStats(team.stats, sum);
}

function copyStats(target: PlayerStatsState, source: PlayerMatchStats): void {
  target.goals = source.goals;
  target.assists = source.assists;
  target.shots = source.shots;
  target.saves = source.saves;
  target.touches = source.touches;
}
