import { Schema, type } from "@colyseus/schema";

/**
 * Room chat, one rule for every room that has one (team and draft rooms):
 * the same line class in state, the same limits, the same text rule
 * (`ChatText` in shared/text.ts). Zod-free: state classes import it.
 */

/** Limits of every room chat (named, with their defaults; docs/protocol.md lists them). */
export const CHAT_LIMITS = {
  /** Characters per chat line (after trimming). */
  maxChatLength: 200,
  /** Chat lines kept in state (new members receive them). */
  chatHistory: 50,
  /** Chat lines per client: burst, then this many per second. */
  chatBurst: 5,
  chatPerSecond: 1,
} as const;

export class ChatLine extends Schema {
  /** Increases by one per line in this room. */
  @type("uint32") seq = 0;
  /** Sender's player id and name at the time. */
  @type("string") playerId = "";
  @type("string") name = "";
  @type("string") text = "";
  /** ms since the epoch. */
  @type("float64") at = 0;
}
