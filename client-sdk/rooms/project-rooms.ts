import { GameClientMessages, GameState, type GameEvents, type GameRoomOptionsInput } from "../../shared/index.ts";
import { defineRoom, type AnyRoomContract } from "./contract.ts";

/**
 * The project's rooms, as `client.rooms.<key>` handles. Each entry is a
 * contract built from shared/ with `defineRoom()`; a room is listed here only
 * once the server registers it (rooms/index.ts projectRooms) and its message
 * map exists in shared/, so `client.rooms.x` compiles only for rooms that
 * exist.
 */
export const projectRoomContracts = {
  /** Arena soccer (shared/game): typed `input`/`ready`/`start`, `goal`/`match.finished` events, `GameState`. */
  game: defineRoom<GameEvents, GameRoomOptionsInput>()({ name: "game", state: GameState, messages: GameClientMessages }),
  // Slots, filled by the issues that build the rooms:
  // team (issue 7): `team: (core) => new TeamRoomHandle(core, teamContract)`, a RoomHandle subclass adding
  //   `joinByCode(code)` and `onMatchFound` (createClient accepts handle factories as entries).
  // draft (fantasy draft): `draft: defineRoom<DraftEvents, DraftJoinOptions>()({ name: "draft", state: DraftState, messages: DraftMessages })`.
} satisfies Record<string, AnyRoomContract>;

export type ProjectRoomContracts = typeof projectRoomContracts;
