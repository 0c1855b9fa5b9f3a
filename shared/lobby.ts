import type { GameSide, GameState } from "./game/state.ts";
import type { GameContract } from "./rooms/game.ts";
import type { TeamContract } from "./rooms/team.ts";
import type { TeamListingMetadata } from "./team/messages.ts";

/**
 * The `lobby` room (Colyseus's LobbyRoom, docs/protocol.md "Lobby"): what it
 * sends and the listings it holds. Types only, plus the message names.
 * Browser-safe, no zod.
 */
export const LobbyServerMessage = {
  /** `LobbyListing[]`: the whole list (on join, and after a `filter`). */
  ROOMS: "rooms",
  /** `[roomId, LobbyListing]`: a room was listed or its listing changed. */
  ADD: "+",
  /** `roomId`: a room left the list. */
  REMOVE: "-",
} as const;

/** One listed room, as Colyseus's matchmaker caches it. */
export interface LobbyListing<Name extends string = string, Metadata = unknown> {
  roomId: string;
  name: Name;
  clients: number;
  maxClients: number;
  locked?: boolean;
  /** Hidden from joinOrCreate (a live or matchmade game is private yet listed: spectators join it by id). */
  private?: boolean;
  metadata: Metadata;
  createdAt?: string | number;
}

/** A `game` room's listing metadata (rooms/game-room.ts keeps it current). */
export interface GameListingMetadata {
  teamSize: number;
  friendly: boolean;
  matchId: string;
  phase: GameState["phase"];
  /** The sides' display names ("Home"/"Away" unless the room was given `teams`). */
  teams: Record<GameSide, string>;
  score: Record<GameSide, number>;
  players: number;
  maxPlayers: number;
  spectators: number;
  /** Shown in the lobby (option `listed`, default `!private`), also while live. */
  listed: boolean;
}

export type GameListing = LobbyListing<GameContract["name"], GameListingMetadata>;
export type TeamListing = LobbyListing<TeamContract["name"], TeamListingMetadata>;

/** Server → client messages of the lobby, payload by type (for the SDK's typed handle). */
export interface LobbyEvents {
  [LobbyServerMessage.ROOMS]: LobbyListing[];
  [LobbyServerMessage.ADD]: [roomId: string, listing: LobbyListing];
  [LobbyServerMessage.REMOVE]: string;
}

/** Join options of the lobby: Colyseus's server-side filter (exact matches). */
export interface LobbyJoinOptions {
  filter?: { name?: string; metadata?: Record<string, unknown> };
}
