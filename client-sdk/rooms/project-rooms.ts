import type { RoomCore } from "./room-connection.ts";
import { DraftRoomHandle } from "./draft.ts";
import { gameContract } from "./game-contract.ts";
import { TeamRoomHandle } from "./team.ts";

/**
 * The project's rooms, as `client.rooms.<key>` handles. Each entry is a
 * contract built from shared/ with `defineRoom()`, or a factory of a
 * RoomHandle subclass for rooms with their own verbs; a room is listed here
 * only once the server registers it (rooms/index.ts projectRooms) and its
 * message map exists in shared/, so `client.rooms.x` compiles only for rooms
 * that exist.
 */
export const projectRoomContracts = {
  /** Arena soccer (shared/game): typed `input`/`ready`/`start`, `goal`/`match.finished` events, `GameState`. */
  game: gameContract,
  /** Teams (shared/team, issue 7): `create`, `joinByCode(code)`, `onMatchFound` (joins the game by default), `TeamRoomState`. */
  team: (core: RoomCore) => new TeamRoomHandle(core),
  /** Fantasy drafts (shared/draft, issue 8): `join(leagueId)` → a DraftConnection with pick and queue helpers, `DraftState`. */
  draft: (core: RoomCore) => new DraftRoomHandle(core),
};

export type ProjectRoomContracts = typeof projectRoomContracts;
