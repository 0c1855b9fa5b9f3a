import type { ArraySchema } from "@colyseus/schema";
import { AppError, TeamChatLine, type TeamMemberState } from "../../shared/index.ts";
import { TokenBucket } from "../token-bucket.ts";
import type { TeamChatLimits } from "./timings.ts";

/** A team room's chat: one rate limit per member, a bounded history in the synchronised state. */
export class TeamChat {
  readonly #buckets = new Map<string, TokenBucket>();
  #seq = 0;

  constructor(
    private readonly lines: ArraySchema<TeamChatLine>,
    private readonly limits: TeamChatLimits,
  ) {}

  join(sessionId: string, now: number): void {
    this.#buckets.set(sessionId, new TokenBucket(this.limits.chatPerSecond, this.limits.chatBurst, now));
  }

  leave(sessionId: string): void {
    this.#buckets.delete(sessionId);
  }

  /** Appends a line by `member`; RATE_LIMITED past the member's budget. */
  say(sessionId: string, member: TeamMemberState, text: string, now: number): void {
    if (!this.#buckets.get(sessionId)?.take(now)) {
      throw new AppError("RATE_LIMITED", `Chat is limited to ${this.limits.chatBurst} lines at once, then ${this.limits.chatPerSecond} per second`);
    }
    const line = new TeamChatLine();
    line.seq = ++this.#seq;
    line.playerId = member.playerId;
    line.name = member.name;
    line.text = text;
    line.at = now;
    this.lines.push(line);
    while (this.lines.length > this.limits.chatHistory) this.lines.shift();
  }
}
