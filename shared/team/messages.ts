import { z } from "zod";
import { ChatText, displayText } from "../text.ts";
import { CHAT_LIMITS } from "../chat.ts";
import type { MessageSchemas } from "../room-protocol.ts";

/**
 * The `team` room's validated inputs: join codes, limits, create/join
 * options and client → server messages (zod). Its server → client messages
 * are in events.ts; the room's whole contract is shared/rooms/team.ts.
 */

/**
 * Join-code alphabet: upper-case letters and digits without the ones people
 * confuse when reading a code aloud or off a screen (I, L, O, 0, 1).
 */
export const TEAM_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const TEAM_CODE_MIN_LENGTH = 4;
export const TEAM_CODE_MAX_LENGTH = 8;

/** A join code as a client may type it: trimmed and upper-cased before the check. */
export const TeamCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(new RegExp(`^[${TEAM_CODE_ALPHABET}]{${TEAM_CODE_MIN_LENGTH},${TEAM_CODE_MAX_LENGTH}}$`), `a team code is ${TEAM_CODE_MIN_LENGTH}–${TEAM_CODE_MAX_LENGTH} characters of ${TEAM_CODE_ALPHABET}`);

/** Match modes a team can queue for: players per side. */
export const MATCH_MODES = { "1v1": 1, "2v2": 2, "3v3": 3, "4v4": 4, "5v5": 5 } as const;
export type MatchMode = keyof typeof MATCH_MODES;
export const MatchModeSchema = z.enum(Object.keys(MATCH_MODES) as [MatchMode, ...MatchMode[]]);

/** Limits of a team room (named, with their defaults; docs/protocol.md lists them). */
export const TEAM_LIMITS = {
  /** Largest roster (the game's largest side). */
  maxSize: 5,
  /** Team name length. */
  maxNameLength: 32,
  /** Chat: the limits every room chat shares (shared/chat.ts). */
  ...CHAT_LIMITS,
} as const;

const TeamName = displayText("name", { max: TEAM_LIMITS.maxNameLength });
const TeamSize = z.number().int().min(1).max(TEAM_LIMITS.maxSize);

/** Options of `client.create("team", options)`. Unknown keys are refused. */
export const TeamCreateOptions = z
  .strictObject({
    name: TeamName.optional(),
    /** Roster slots. */
    size: TeamSize.default(2),
    /** Unlisted in the lobby; joinable by code only. */
    private: z.boolean().default(false),
  })
  .prefault({});
export type TeamCreateOptionsInput = z.input<typeof TeamCreateOptions>;
export type TeamCreateSettings = z.output<typeof TeamCreateOptions>;

/**
 * Options of `client.join("team", { code })` (the room is found by its code)
 * and of `client.joinById(roomId, { code? })` (a public team from the lobby
 * needs no code; a private one does).
 */
export const TeamJoinOptions = z.object({ code: TeamCode.optional() }).prefault({});
export type TeamJoinOptionsInput = z.input<typeof TeamJoinOptions>;

const SessionId = z.string().min(1).max(64);

/**
 * Client → server messages of the `team` room (type → payload validator).
 * Captain-only messages answer `error FORBIDDEN` to anyone else.
 */
export const TeamClientMessages = {
  /** Marks yourself ready (or not). Un-readying cancels the team's queue ticket. */
  ready: z.strictObject({ ready: z.boolean() }),
  /** A chat line to the team (kept in the bounded `chat` history). */
  chat: z.strictObject({ text: ChatText }),
  /** Captain: removes a member (closed with 4105 KICKED; cannot rejoin this team). */
  kick: z.strictObject({ sessionId: SessionId }),
  /** Captain: hands the captaincy to another member. */
  transferCaptain: z.strictObject({ sessionId: SessionId }),
  /** Captain: renames the team. */
  setName: z.strictObject({ name: TeamName }),
  /** Captain: changes the roster slots (not below the current member count). */
  setSize: z.strictObject({ size: TeamSize }),
  /** Captain: queues the team for a match (every member ready and connected). */
  queue: z.strictObject({ mode: MatchModeSchema }),
  /** Captain: takes the team out of the queue. */
  leaveQueue: z.strictObject({}),
} satisfies MessageSchemas;

export type TeamClientMessageType = keyof typeof TeamClientMessages;

/** The team room's listing metadata (lobby, `join("team", {code})`). */
export interface TeamListingMetadata {
  code: string;
  /**
   * "open": public, idle and with a free slot: a join without a code may land
   * here; "closed": public but full or in the queue/a match; "private":
   * unlisted, joinable by code only.
   */
  access: "open" | "closed" | "private";
  teamId: string;
  name: string;
  size: number;
  members: number;
  captain: string;
  status: string;
  mode: string;
}
