import { gameRoom } from "./game-room.ts";
import type { RoomDefinition, RoomDeps } from "./room-deps.ts";

export type { RoomDefinition, RoomDeps } from "./room-deps.ts";

/** The project's room types. Later issues add `team` and `draft` here. */
export function projectRooms(deps: RoomDeps): RoomDefinition[] {
  return [gameRoom(deps)];
}
