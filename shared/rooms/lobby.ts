import { LobbyServerMessage, type LobbyEvents, type LobbyJoinOptions } from "../lobby.ts";
import { defineRoom } from "./define.ts";

/**
 * The `lobby` room (Colyseus's LobbyRoom; docs/protocol.md "Lobby"): no
 * state, no client messages of the project's own, the listing messages
 * (`LobbyEvents`); join options are Colyseus's server-side filter.
 */
export const lobbyContract = defineRoom<LobbyEvents, LobbyJoinOptions, {}>()({
  name: "lobby",
  serverMessages: LobbyServerMessage,
});
export type LobbyContract = typeof lobbyContract;
