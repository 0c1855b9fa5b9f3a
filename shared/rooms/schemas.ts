import { z } from "zod";
import { DraftClientMessages, DraftJoinOptions, DraftRoomOptions } from "../draft/messages.ts";
import { GameClientMessages } from "../game/messages.ts";
import { GameJoinOptions, GameRoomOptions } from "../game/options.ts";
import { CommonClientMessage, type MessageSchemas } from "../room-protocol.ts";
import { TeamClientMessages, TeamCreateOptions, TeamJoinOptions } from "../team/messages.ts";
import type { JoinOptionsOf, MessagesOf } from "./define.ts";
import { draftContract } from "./draft.ts";
import { gameContract } from "./game.ts";
import type { RoomContracts } from "./index.ts";
import type { LobbyContract } from "./lobby.ts";
import { teamContract } from "./team.ts";

/**
 * The zod side of the room contracts (shared/rooms/index.ts): what rooms
 * validate with. Kept apart so the SDK's browser bundles, which import the
 * contracts at run time, never carry zod (`createClient({ messageSchemas })`
 * opts in: client-sdk/validation.ts).
 */

/** Client → server messages every project room accepts (rooms/base-room.ts handles them). */
export const CommonClientMessages = {
  /** In-band token refresh on a long-lived connection (same player only). */
  [CommonClientMessage.AUTH_REFRESH]: z.strictObject({ token: z.string().min(1).max(4096) }),
  /** Asks how long this client's seat is held after a drop (answer: `seat` `SeatMessage`). The SDK asks after each join and reconnect. */
  [CommonClientMessage.SEAT]: z.strictObject({}),
} satisfies MessageSchemas;

/** A room's schemas: the options a create must pass, those a join must pass, and its client → server messages. */
export interface RoomSchemas<C> {
  /** Options of `create` (and of the room `joinOrCreate` creates). Its input is the contract's join options. */
  create: z.ZodType<unknown, JoinOptionsOf<C>>;
  /** Options of a join into an existing room (`join`, `joinById`, `joinOrCreate` landing in one). */
  join: z.ZodType;
  /** Exactly the contract's message map: a message added on one side only does not compile. */
  messages: MessagesOf<C>;
}

/** The schemas of every project room with inputs of its own (the lobby has none), keyed like `roomContracts`. */
export const roomSchemas = {
  [gameContract.name]: { create: GameRoomOptions, join: GameJoinOptions, messages: GameClientMessages },
  [teamContract.name]: { create: TeamCreateOptions, join: TeamJoinOptions, messages: TeamClientMessages },
  [draftContract.name]: { create: DraftRoomOptions, join: DraftJoinOptions, messages: DraftClientMessages },
} satisfies { [N in Exclude<keyof RoomContracts, LobbyContract["name"]>]: RoomSchemas<RoomContracts[N]> };
