import { LobbyRoom, matchMaker, type Room } from "@colyseus/core";
import type { RoomDefinition } from "./room-deps.ts";
import { lobbyContract } from "../shared/rooms/index.ts";

/**
 * Colyseus's lobby channel. `updateLobby` (@colyseus/core matchmaker/Lobby.ts)
 * publishes `<roomId>,0` (listed or changed) and `<roomId>,1` (gone) on it,
 * and every LobbyRoom re-reads the room's listing from the driver on `,0`.
 * The name is Colyseus's; it is not exported, so it is repeated here.
 */
const LOBBY_CHANNEL = "$lobby";

/**
 * Announces a room's current listing to every lobby, on every process, even
 * while the room is private. Colyseus's own `updateLobby` skips private
 * rooms; a live game is private (no one may take a seat through joinOrCreate)
 * yet worth listing for spectators. Call it after `setMetadata`/`setPrivate`
 * resolve, so it arrives after their own lobby events.
 */
export function publishLobbyListing(room: Room): void {
  matchMaker.presence?.publish(LOBBY_CHANNEL, `${room.roomId},0`);
}

/**
 * The `lobby` room: Colyseus's built-in LobbyRoom (stock SDK protocol: the
 * client receives `rooms` (the list), `+` `[roomId, listing]` and `-` roomId;
 * it may send `filter` `{name?, metadata?}`), plus the live games that are
 * private but listed (`metadata.listed`), which the built-in initial query
 * leaves out. Room types opt in with `realtimeListing` (RoomDefinition).
 */
export class ProjectLobbyRoom extends LobbyRoom {
  override async onCreate(options: unknown): Promise<void> {
    await super.onCreate(options);
    const live = await matchMaker.query({ private: true, unlisted: false });
    for (const listing of live) {
      if (listing.metadata?.listed === true && !this.rooms.some((room) => room.roomId === listing.roomId)) this.rooms.push(listing);
    }
  }
}

export function lobbyRoom(): RoomDefinition {
  return { name: lobbyContract.name, room: ProjectLobbyRoom };
}
