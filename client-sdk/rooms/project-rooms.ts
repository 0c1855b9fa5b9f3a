import { draftContract, gameContract, teamContract, type LobbyContract, type ProjectRoomName } from "../../shared/rooms/index.ts";
import type { RoomCore } from "./room-connection.ts";
import { DraftRoomHandle } from "./draft.ts";
import { TeamRoomHandle } from "./team.ts";

/**
 * The project's rooms, as `client.rooms.<name>` handles, keyed by the names
 * of their shared contracts (shared/rooms/index.ts `roomContracts`, which
 * the server registers: rooms/index.ts `projectRooms`). Each entry is a
 * contract (a plain RoomHandle) or a factory of a RoomHandle subclass for
 * rooms with their own verbs; `client.rooms.x` compiles only for rooms that
 * exist, and a contract without an entry here does not compile. The lobby is
 * `client.lobby()`.
 */
export const projectRoomContracts = {
  /** Arena soccer (shared/rooms/game.ts): typed `input`/`ready`/`start`, `goal`/`match.finished` events, `GameState`. */
  [gameContract.name]: gameContract,
  /** Teams (shared/rooms/team.ts): `create`, `joinByCode(code)`, `onMatchFound` (joins the game by default), `TeamRoomState`. */
  [teamContract.name]: (core: RoomCore) => new TeamRoomHandle(core),
  /** Fantasy drafts (shared/rooms/draft.ts): `join(leagueId)` → a DraftConnection with pick and queue helpers, `DraftState`. */
  [draftContract.name]: (core: RoomCore) => new DraftRoomHandle(core),
} satisfies Record<Exclude<ProjectRoomName, LobbyContract["name"]>, unknown>;

export type ProjectRoomContracts = typeof projectRoomContracts;
