import { GameClientMessages, GameState, type GameEvents, type GameRoomOptionsInput } from "../../shared/index.ts";
import { defineRoom } from "./contract.ts";

/**
 * The `game` room's contract (arena soccer, shared/game): typed
 * `input`/`ready`/`start`, `goal`/`match.finished` events, `GameState`.
 * Its own module because both the project's room table and the team handle
 * (which joins games on `matchFound`) need it.
 */
export const gameContract = defineRoom<GameEvents, GameRoomOptionsInput>()({ name: "game", state: GameState, messages: GameClientMessages });
export type GameContract = typeof gameContract;
