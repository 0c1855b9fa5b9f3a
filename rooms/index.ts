import { draftRoom } from "./draft-room.ts";
import { gameRoom } from "./game-room.ts";
import { lobbyRoom } from "./lobby-room.ts";
import { teamRoom } from "./team-room.ts";
import type { RoomDefinition, RoomDeps } from "./room-deps.ts";

export type { RoomDefinition, RoomDeps } from "./room-deps.ts";

/** The project's room types. Later issues add `team` and `draft` here. */
export function projectRooms(deps: RoomDeps): RoomDefinition[] {
  return [gameRoom(deps), draftRoom(deps), teamRoom(deps), lobbyRoom()];
}
