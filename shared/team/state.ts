import { ArraySchema, MapSchema, Schema, type } from "@colyseus/schema";
import { ChatLine as TeamChatLine } from "../chat.ts";

/**
 * The `team` room's synchronised state (docs/protocol.md "Team room"). Server
 * and clients import these classes: pass `TeamRoomState` to the SDK's join
 * call (`client.join("team", { code }, TeamRoomState)`).
 *
 * Named `Team…State` / `TeamRoomState` because `TeamState` is already the
 * game room's per-side state (shared/game/state.ts).
 */

/** Where the team is on its way to a match. See docs/protocol.md "Team room". */
export type TeamQueueStatus = "idle" | "queued" | "starting" | "playing";

/** Why the queue status last changed (shown in `queue.reason`). */
export type TeamQueueReason =
  | ""
  | "queued"
  | "left-queue"
  | "member-unready"
  | "member-left"
  | "member-away"
  | "member-joined"
  | "size-changed"
  | "match-found"
  | "match-aborted"
  | "match-ended"
  | "ticket-lost";

export class TeamMemberState extends Schema {
  /** The stable player id from the token (the map key is the Colyseus session id). */
  @type("string") playerId = "";
  @type("string") name = "";
  @type("boolean") ready = false;
  /** False while the member's connection is dropped and the seat is held. */
  @type("boolean") connected = true;
  /** True while dropped: the seat is held until `awayUntil` (ms since the epoch), then the member leaves for good. */
  @type("boolean") away = false;
  @type("float64") awayUntil = 0;
  /** ms since the epoch; the longest-present member becomes captain when the captain leaves for good. */
  @type("float64") joinedAt = 0;
}

export class TeamQueueState extends Schema {
  @type("string") status: TeamQueueStatus = "idle";
  @type("string") reason: TeamQueueReason = "";
  /** The mode queued for (e.g. "2v2") while `queued`/`starting`/`playing`. */
  @type("string") mode = "";
  /** ms since the epoch when the current status began. */
  @type("float64") since = 0;
  /** The match the team is playing (`playing`), or played last (`idle` after a match). */
  @type("string") matchId = "";
  /** The game room of `matchId` (spectators may join it by id). */
  @type("string") gameRoomId = "";
}

/** A team chat line: the one chat line class of every room (shared/chat.ts). */
export { ChatLine as TeamChatLine } from "../chat.ts";

export class TeamRoomState extends Schema {
  /** The join code (upper-case, unambiguous alphabet, 4–8 characters). */
  @type("string") code = "";
  /** Stable id of this team for match results (`teams.home.teamId`). */
  @type("string") teamId = "";
  @type("string") name = "";
  /** Session id of the captain. */
  @type("string") captain = "";
  /** Roster slots: members ≤ size. */
  @type("uint8") size = 2;
  /** Private teams are unlisted in the lobby; join by code only. */
  @type("boolean") private = false;
  /** Keyed by Colyseus session id. */
  @type({ map: TeamMemberState }) members = new MapSchema<TeamMemberState>();
  @type(TeamQueueState) queue = new TeamQueueState();
  /** The newest chat lines, oldest first; bounded (TEAM_LIMITS.chatHistory). New members receive them with the state. */
  @type([TeamChatLine]) chat = new ArraySchema<TeamChatLine>();
}
