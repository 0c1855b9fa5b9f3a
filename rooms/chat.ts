import type { ArraySchema } from "@colyseus/schema";
import { AppError, ChatLine } from "../shared/index.ts";
import { TokenBucket } from "./token-bucket.ts";

/** Limits of a room's chat (defaults: CHAT_LIMITS in shared/chat.ts). */
export interface ChatLimits {
  chatHistory: number;
  chatBurst: number;
  chatPerSecond: number;
}

/**
 * A room's chat, the one implementation of every room that has one (team
 * and draft rooms): one rate limit per client session, a bounded history in
 * the synchronised state. The text itself is checked by `ChatText` (the text
 * rule) in the message schema before it gets here.
 */
export class RoomChat {
  readonly #buckets = new Map<string, TokenBucket>();
  #seq = 0;

  constructor(
    private readonly lines: ArraySchema<ChatLine>,
    private readonly limits: ChatLimits,
  ) {
    this.#seq = lines.length > 0 ? lines[lines.length - 1].seq : 0;
  }

  join(sessionId: string, now: number): void {
    this.#buckets.set(sessionId, new TokenBucket(this.limits.chatPerSecond, this.limits.chatBurst, now));
  }

  leave(sessionId: string): void {
    this.#buckets.delete(sessionId);
  }

  /** Appends a line by `who`; RATE_LIMITED past the session's budget. */
  say(sessionId: string, who: { playerId: string; name: string }, text: string, now: number): ChatLine {
    if (!this.#buckets.get(sessionId)?.take(now)) {
      throw new AppError("RATE_LIMITED", `Chat is limited to ${this.limits.chatBurst} lines at once, then ${this.limits.chatPerSecond} per second`);
    }
    const line = new ChatLine();
    line.seq = ++this.#seq;
    line.playerId = who.playerId;
    line.name = who.name;
    line.text = text;
    line.at = now;
    this.lines.push(line);
    while (this.lines.length > this.limits.chatHistory) this.lines.shift();
    return line;
  }
}
