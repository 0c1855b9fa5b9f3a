import { z } from "zod";
import { displayText } from "../text.ts";
import { MatchId } from "../match-result.ts";

export const GameSideSchema = z.enum(["home", "away"]);

const TeamOption = z.strictObject({
  name: displayText("team name", { max: 64 }).optional(),
  teamId: z.string().min(1).max(128).optional(),
});

/** Keys a player may pass when joining (joinOrCreate sends one object for both create and join). */
const joinKeys = {
  /** Watch only: receive state, send nothing; bounded by `maxSpectators`, not by player seats. */
  spectate: z.boolean().optional(),
  /** Ask for a side (e.g. a seat reservation from the team matchmaker). Default: the side with fewer players. */
  side: GameSideSchema.optional(),
};

/**
 * Options of a `game` room, validated in `onCreate` (a bad one fails the
 * create with `VALIDATION_FAILED: …`). Every limit is named here with its default.
 */
export const GameRoomOptions = z
  .strictObject({
    /** Players per side. */
    teamSize: z.number().int().min(1).max(5).default(2),
    /** Length of the match clock. */
    matchSeconds: z.number().min(1).max(3600).default(180),
    countdownSeconds: z.number().min(0).max(30).default(3),
    /** Freeze after each goal before the kickoff resumes play. */
    kickoffPauseSeconds: z.number().min(0).max(10).default(1),
    /** How long a finished room stays open (so clients see the final state) before closing with 4107 ROOM_CLOSED. */
    postMatchSeconds: z.number().min(0).max(600).default(10),
    /** Seconds a dropped player keeps the seat; also how long a side may stay empty before it forfeits. Default: RECONNECT_WINDOW_SECONDS. */
    reconnectSeconds: z.number().int().min(0).max(3600).optional(),
    /** Spectator bound, separate from the player seats (2 × teamSize). */
    maxSpectators: z.number().int().min(0).max(200).default(50),
    /** Join by room id only (never found by joinOrCreate / listed as open). */
    private: z.boolean().default(false),
    /**
     * Shown in the `lobby` listing, also while hidden from joinOrCreate (full,
     * live, or private). Default: `!private`. The matchmaker creates its games
     * private (the seats are reserved) but listed, so they can be watched.
     */
    listed: z.boolean().optional(),
    /** A friendly: the host may start it before the sides are full. */
    friendly: z.boolean().default(false),
    /** Wait for every seated player's `ready` before the countdown. */
    requireReady: z.boolean().default(false),
    /** Use this match id (e.g. chosen by the matchmaker); default: derived from time and room id. */
    matchId: MatchId.optional(),
    teams: z.strictObject({ home: TeamOption.optional(), away: TeamOption.optional() }).optional(),
    /** Pitch size in metres (short fields make short tests). */
    field: z
      .strictObject({
        width: z.number().min(8).max(100),
        height: z.number().min(5).max(60),
        goalWidth: z.number().min(1).max(20),
      })
      .refine((f) => f.goalWidth < f.height - 1, { message: "goalWidth must be smaller than height - 1", path: ["goalWidth"] })
      .optional(),
    ...joinKeys,
  })
  .prefault({});

export type GameRoomOptionsInput = z.input<typeof GameRoomOptions>;
export type GameRoomSettings = z.output<typeof GameRoomOptions>;

/** Per-join options; other (room-creation) keys are ignored at join time. */
export const GameJoinOptions = z.object(joinKeys).prefault({});
export type GameJoinOptionsInput = z.input<typeof GameJoinOptions>;
