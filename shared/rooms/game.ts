import type { GameClientMessages } from "../game/messages.ts";
import type { GameRoomOptionsInput } from "../game/options.ts";
import { GameServerMessage, type GameEvents } from "../game/events.ts";
import { GameState } from "../game/state.ts";
import { defineRoom } from "./define.ts";

/**
 * The `game` room (arena soccer; docs/protocol.md "Game room"): create/join
 * options `GameRoomOptions` (shared/game/options.ts), client → server
 * `input`/`ready`/`start` (`GameClientMessages`), server → client
 * `goal`/`match.finished` (`GameEvents`), state `GameState`. A player is
 * joined once the state lists them; a spectator at once.
 */
export const gameContract = defineRoom<GameEvents, GameRoomOptionsInput, typeof GameClientMessages>()({
  name: "game",
  state: GameState,
  serverMessages: GameServerMessage,
  seat: true,
  joined: (state, sessionId, options) => options?.spectate === true || state.players.has(sessionId),
});
export type GameContract = typeof gameContract;
