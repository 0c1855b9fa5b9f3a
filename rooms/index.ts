import { draftContract, gameContract, lobbyContract, teamContract, type ProjectRoomName } from "../shared/index.ts";
import { draftRoom } from "./draft-room.ts";
import { gameRoom } from "./game-room.ts";
import { lobbyRoom } from "./lobby-room.ts";
import { teamRoom } from "./team-room.ts";
import type { RoomDefinition, RoomDeps } from "./room-deps.ts";

export type { RoomDefinition, RoomDeps } from "./room-deps.ts";

/**
 * The implementation of every room type of the contract (shared/rooms/index.ts
 * `roomContracts`), keyed by its shared name: a contract without an
 * implementation here does not compile.
 */
const implementations = {
  [gameContract.name]: (deps: RoomDeps) => gameRoom(deps),
  [draftContract.name]: (deps: RoomDeps) => draftRoom(deps),
  [teamContract.name]: (deps: RoomDeps) => teamRoom(deps),
  [lobbyContract.name]: () => lobbyRoom(),
} satisfies Record<ProjectRoomName, (deps: RoomDeps) => RoomDefinition>;

/** The project's room types, registered under their shared contract's name (server/create-server.ts). */
export function projectRooms(deps: RoomDeps): RoomDefinition[] {
  return Object.entries(implementations).map(([name, make]) => ({ ...make(deps), name }));
}
