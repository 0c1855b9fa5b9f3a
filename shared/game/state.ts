import { MapSchema, Schema, type } from "@colyseus/schema";

/**
 * The game room's synchronised state (arena soccer). Server and clients import
 * these same classes: pass `GameState` to the SDK's join call so `instanceof`
 * and the helpers below work on the client too.
 *
 * Lengths on the wire are quantised: positions and velocities are `int16`
 * centimetres (cm/s), field sizes `uint16` centimetres. Divide by
 * {@link ARENA_UNITS_PER_METER} for metres. 16-bit integers cost half of a
 * float32 per changed value in a schema patch, and ±327 m / ±327 m/s
 * is far beyond any field or speed the rules allow.
 */
export const ARENA_UNITS_PER_METER = 100;

/** Lifecycle: `waiting → countdown → playing → finished` (countdown may fall back to waiting). */
export type GamePhase = "waiting" | "countdown" | "playing" | "finished";
export type GameSide = "home" | "away";

/** Counters per player and, summed, per team. */
export class PlayerStatsState extends Schema {
  @type("uint16") goals = 0;
  @type("uint16") assists = 0;
  @type("uint16") shots = 0;
  @type("uint16") saves = 0;
  @type("uint16") touches = 0;
}

export class PlayerState extends Schema {
  /** The stable player id from the token (the map key is the Colyseus session id). */
  @type("string") playerId = "";
  @type("string") name = "";
  @type("string") side: GameSide = "home";
  /** Position within the side (spawn order). */
  @type("uint8") slot = 0;
  /** cm */
  @type("int16") x = 0;
  @type("int16") y = 0;
  /** cm/s */
  @type("int16") vx = 0;
  @type("int16") vy = 0;
  /** False while the player's connection is dropped and the seat is held; the avatar idles. */
  @type("boolean") connected = true;
  @type("boolean") ready = false;
  /** The highest `input.seq` the simulation has applied: clients reconcile their prediction from it. */
  @type("uint32") lastProcessedInputSeq = 0;
  @type(PlayerStatsState) stats = new PlayerStatsState();
}

export class BallState extends Schema {
  /** cm */
  @type("int16") x = 0;
  @type("int16") y = 0;
  /** cm/s */
  @type("int16") vx = 0;
  @type("int16") vy = 0;
}

export class TeamState extends Schema {
  @type("string") name = "";
  /** Set when the side came from a team room. */
  @type("string") teamId = "";
  @type("uint16") score = 0;
  /** Sum of the side's players' stats (players who left keep counting). */
  @type(PlayerStatsState) stats = new PlayerStatsState();
}

/** The pitch, sent once (it never changes during a match). */
export class FieldState extends Schema {
  /** cm; the home goal is on the left edge (x = 0), the away goal on the right (x = width). */
  @type("uint16") width = 0;
  @type("uint16") height = 0;
  /** cm; centred on y = height / 2. */
  @type("uint16") goalWidth = 0;
  @type("uint16") playerRadius = 0;
  @type("uint16") ballRadius = 0;
}

export class GameState extends Schema {
  @type("string") phase: GamePhase = "waiting";
  @type("string") matchId = "";
  /** Players per side the match is for. */
  @type("uint8") teamSize = 0;
  @type("boolean") friendly = false;
  /** Player id allowed to `start` a friendly (the first player seated). */
  @type("string") hostId = "";
  /** ms left in the current phase: the countdown, or the match clock while playing. */
  @type("uint32") timeLeftMs = 0;
  /** ms until play resumes after a goal (players and ball are frozen at kickoff positions). */
  @type("uint16") kickoffInMs = 0;
  /** The side that kicks off next. */
  @type("string") kickoffSide: GameSide = "home";
  @type(TeamState) home = new TeamState();
  @type(TeamState) away = new TeamState();
  /** Keyed by Colyseus session id. Spectators are not players. */
  @type({ map: PlayerState }) players = new MapSchema<PlayerState>();
  @type(BallState) ball = new BallState();
  @type(FieldState) field = new FieldState();
  @type("uint16") spectators = 0;
  /** Set at `finished`: "home" | "away" | "draw". */
  @type("string") winner = "";
  /** Set at `finished` when a side forfeited. */
  @type("string") forfeitedBy = "";
}
