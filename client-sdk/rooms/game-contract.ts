import type { GameClientMessages } from "../../shared/game/messages.ts";
import type { GameEvents } from "../../shared/game/messages.ts";
import type { GameRoomOptionsInput } from "../../shared/game/options.ts";
import { GameState } from "../../shared/game/state.ts";
import { defineRoom } from "./contract.ts";

/**
 * The `game` room's contract (arena soccer, shared/game): typed
 * `input`/`ready`/`start`, `goal`/`match.finished` events, `GameState`.
 * A join resolves once the state lists the player (a spectator: at once).
 * Its own module because both the project's room table and the team handle
 * (which joins games on `matchFound`) need it.
 */
export const gameContract = defineRoom<GameEvents, GameRoomOptionsInput, typeof GameClientMessages>()({
  name: "game",
  state: GameState,
  seat: true,
  joined: (state, sessionId, options) => options?.spectate === true || state.players.has(sessionId),
});
export type GameContract = typeof gameContract;
