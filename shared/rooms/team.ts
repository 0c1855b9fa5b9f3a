import type { TeamClientMessages, TeamCreateOptionsInput, TeamJoinOptionsInput } from "../team/messages.ts";
import { TeamServerMessage, type TeamEvents } from "../team/events.ts";
import { TeamRoomState } from "../team/state.ts";
import { defineRoom } from "./define.ts";

/**
 * The `team` room (a party on its way to a match; docs/protocol.md "Team
 * room"): create options `TeamCreateOptions`, join options `TeamJoinOptions`
 * (`{ code }`), client → server `TeamClientMessages`, server → client
 * `matchFound` (`TeamEvents`), state `TeamRoomState`. A member is joined
 * once `members` lists them.
 */
export const teamContract = defineRoom<TeamEvents, TeamCreateOptionsInput & TeamJoinOptionsInput, typeof TeamClientMessages>()({
  name: "team",
  state: TeamRoomState,
  serverMessages: TeamServerMessage,
  seat: true,
  joined: (state, sessionId) => state.members.has(sessionId),
});
export type TeamContract = typeof teamContract;
