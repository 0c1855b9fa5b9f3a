import type { GameRoomSettings } from "../../index.ts";

/** Physical constants of arena soccer (metres, seconds). */
export interface ArenaPhysics {
  playerRadius: number;
  ballRadius: number;
  /** Goal posts are small circles at both ends of each goal mouth. */
  postRadius: number;
  /** No input, however sent, moves a player faster than this (m/s). */
  playerMaxSpeed: number;
  /** How fast a player's velocity may change toward the intent (m/s²). */
  playerAcceleration: number;
  ballMaxSpeed: number;
  /** Rolling friction: linear deceleration (m/s²). */
  ballFriction: number;
  wallRestitution: number;
  playerBallRestitution: number;
  /** Ball speed right after a kick (m/s). */
  kickSpeed: number;
  /** Largest gap between player and ball surfaces at which a kick connects (m). */
  kickReach: number;
  kickCooldownSeconds: number;
  /** A kick request waits this long for the ball to come into reach (absorbs input/tick jitter). */
  kickBufferSeconds: number;
  /** Stick vectors shorter than this count as "no input". */
  deadZone: number;
}

export interface ArenaField {
  width: number;
  height: number;
  goalWidth: number;
}

export interface ArenaConfig {
  field: ArenaField;
  physics: ArenaPhysics;
  teamSize: number;
  matchSeconds: number;
  countdownSeconds: number;
  kickoffPauseSeconds: number;
  /** A side with no connected player for this long forfeits (the reconnection window). */
  forfeitSeconds: number;
  friendly: boolean;
  requireReady: boolean;
}

export const DEFAULT_PHYSICS: ArenaPhysics = {
  playerRadius: 0.5,
  ballRadius: 0.3,
  postRadius: 0.15,
  playerMaxSpeed: 6,
  playerAcceleration: 30,
  ballMaxSpeed: 22,
  ballFriction: 3,
  wallRestitution: 0.7,
  playerBallRestitution: 0.4,
  kickSpeed: 15,
  kickReach: 0.4,
  kickCooldownSeconds: 0.5,
  kickBufferSeconds: 0.15,
  deadZone: 0.02,
};

export const DEFAULT_FIELD: ArenaField = { width: 30, height: 18, goalWidth: 5 };

/** A config with defaults, for tests and for rooms (which pass validated room settings). */
export function createArenaConfig(overrides: Partial<Omit<ArenaConfig, "physics">> & { physics?: Partial<ArenaPhysics> } = {}): ArenaConfig {
  return {
    field: { ...DEFAULT_FIELD, ...overrides.field },
    physics: { ...DEFAULT_PHYSICS, ...overrides.physics },
    teamSize: overrides.teamSize ?? 2,
    matchSeconds: overrides.matchSeconds ?? 180,
    countdownSeconds: overrides.countdownSeconds ?? 3,
    kickoffPauseSeconds: overrides.kickoffPauseSeconds ?? 1,
    forfeitSeconds: overrides.forfeitSeconds ?? 20,
    friendly: overrides.friendly ?? false,
    requireReady: overrides.requireReady ?? false,
  };
}

/** The arena config a room's validated settings describe. */
export function arenaConfigFromSettings(settings: GameRoomSettings, forfeitSeconds: number): ArenaConfig {
  return createArenaConfig({
    field: settings.field,
    teamSize: settings.teamSize,
    matchSeconds: settings.matchSeconds,
    countdownSeconds: settings.countdownSeconds,
    kickoffPauseSeconds: settings.kickoffPauseSeconds,
    forfeitSeconds,
    friendly: settings.friendly,
    requireReady: settings.requireReady,
  });
}
