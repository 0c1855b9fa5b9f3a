import type { RoomDefinition, RoomDeps } from "./room-deps.ts";

export type { RoomDefinition, RoomDeps } from "./room-deps.ts";

/** The project's room types. Later issues add `game`, `team` and `draft` here. */
export function projectRooms(_deps: RoomDeps): RoomDefinition[] {
  return [];
}
