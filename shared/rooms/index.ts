import { draftContract } from "./draft.ts";
import { gameContract } from "./game.ts";
import { lobbyContract } from "./lobby.ts";
import { teamContract } from "./team.ts";

export * from "./define.ts";
export * from "./draft.ts";
export * from "./game.ts";
export * from "./lobby.ts";
export * from "./team.ts";

/**
 * The project's room types by name: what the server registers
 * (rooms/index.ts `projectRooms`) and what the SDK offers as
 * `client.rooms.*` (client-sdk/rooms/project-rooms.ts) and `client.lobby()`.
 * Adding a room type starts here (docs/architecture.md "Adding a room type").
 * Zod-free at run time; the matching schemas are shared/rooms/schemas.ts.
 */
export const roomContracts = {
  [gameContract.name]: gameContract,
  [teamContract.name]: teamContract,
  [draftContract.name]: draftContract,
  [lobbyContract.name]: lobbyContract,
} as const;

export type RoomContracts = typeof roomContracts;
export type ProjectRoomName = keyof RoomContracts;
