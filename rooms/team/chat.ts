import type { ArraySchema } from "@colyseus/schema";
import type { TeamChatLine, TeamMemberState } from "../../shared/index.ts";
import { RoomChat } from "../chat.ts";
import type { TeamChatLimits } from "./timings.ts";

/** A team room's chat: the rooms' one chat (rooms/chat.ts), lines signed with the member's name. */
export class TeamChat {
  readonly #chat: RoomChat;

  constructor(lines: ArraySchema<TeamChatLine>, limits: TeamChatLimits) {
    this.#chat = new RoomChat(lines, limits);
  }

  join(sessionId: string, now: number): void {
    this.#chat.join(sessionId, now);
  }

  leave(sessionId: string): void {
    this.#chat.leave(sessionId);
  }

  /** Appends a line by `member`; RATE_LIMITED past the member's budget. */
  say(sessionId: string, member: TeamMemberState, text: string, now: number): void {
    this.#chat.say(sessionId, member, text, now);
  }
}
