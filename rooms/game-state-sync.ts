import { ARENA_UNITS_PER_METER, PlayerState, type GameState, type PlayerStatsState, type GameSide, type PlayerMatchStats } from "../shared/index.ts";
import { SIDES, type World } from "../shared/rules/arena/index.ts";

const INT16 = 32767;
/** metres → int16 centimetres (clamped: the rules keep values far inside). */
const q16 = (metres: number): number => Math.max(-INT16, Math.min(INT16, Math.round(metres * ARENA_UNITS_PER_METER)));
const ms = (seconds: number, max = 0xffff_ffff): number => Math.min(max, Math.max(0, Math.round(seconds * 1000)));

/**
 * Per state: the stats total and player count at its last sync. Counters only
 * ever go up and players only leave the world before kickoff (with zero
 * stats), so an equal key means no player or team stat changed.
 */
const syncedStatsTotal = new WeakMap<GameState, number>();

/**
 * Projects the simulation onto the synchronised schema, quantised. Runs once
 * per patch (onBeforePatch), not per step: the schema only tracks what the
 * next patch sends, and unchanged values send nothing. It runs for every room
 * at the patch rate, so it allocates nothing in the common case and leaves
 * the stats alone while no counter moved.
 */
export function syncGameState(world: World, state: GameState, spectators: number): void {
  state.phase = world.phase;
  state.timeLeftMs =
    world.phase === "countdown" ? ms(world.countdownLeft) : world.phase === "playing" ? ms(world.clockLeft) : world.phase === "waiting" ? ms(world.config.matchSeconds) : 0;
  state.kickoffInMs = ms(world.freezeLeft, 0xffff);
  state.kickoffSide = world.kickoffSide;
  state.hostId = world.hostId ?? "";
  state.spectators = spectators;

  let statsTotal = 0;
  for (const player of world.players.values()) statsTotal += statsSum(player.stats);
  const statsKey = statsTotal * 1024 + world.players.size;
  const statsChanged = syncedStatsTotal.get(state) !== statsKey;
  syncedStatsTotal.set(state, statsKey);

  let seated = 0;
  for (const player of world.players.values()) {
    if (!player.seated) continue;
    seated++;
    let view = state.players.get(player.id);
    const created = !view;
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
    if (created || statsChanged) copyStats(view.stats, player.stats);
  }
  if (state.players.size !== seated) {
    for (const id of [...state.players.keys()]) if (world.players.get(id)?.seated !== true) state.players.delete(id);
  }

  state.home.score = world.score.home;
  state.away.score = world.score.away;
  if (statsChanged) syncTeamStats(world, state);

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

const statsSum = (s: PlayerMatchStats): number => s.goals + s.assists + s.shots + s.saves + s.touches;

/** Team stats are the sums over the side's players, leavers included. */
function syncTeamStats(world: World, state: GameState): void {
  const home: PlayerMatchStats = { goals: 0, assists: 0, shots: 0, saves: 0, touches: 0 };
  const away: PlayerMatchStats = { goals: 0, assists: 0, shots: 0, saves: 0, touches: 0 };
  for (const player of world.players.values()) {
    const sum = player.side === "home" ? home : away;
    sum.goals += player.stats.goals;
    sum.assists += player.stats.assists;
    sum.shots += player.stats.shots;
    sum.saves += player.stats.saves;
    sum.touches += player.stats.touches;
  }
  copyStats(state.home.stats, home);
  copyStats(state.away.stats, away);
}

function copyStats(target: PlayerStatsState, source: PlayerMatchStats): void {
  target.goals = source.goals;
  target.assists = source.assists;
  target.shots = source.shots;
  target.saves = source.saves;
  target.touches = source.touches;
}
