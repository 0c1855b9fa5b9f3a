import type { DraftClientMessages, DraftRoomOptionsInput } from "../draft/messages.ts";
import { DraftServerMessage, type DraftEvents } from "../draft/events.ts";
import { DraftState } from "../draft/state.ts";
import { defineRoom } from "./define.ts";

/**
 * The `draft` room (one fantasy league's draft; docs/protocol.md "Draft
 * room"): options `{ leagueId }` (`DraftRoomOptions`), client → server
 * `DraftClientMessages`, server → client `draft.*` (`DraftEvents`), state
 * `DraftState`.
 */
export const draftContract = defineRoom<DraftEvents, DraftRoomOptionsInput, typeof DraftClientMessages>()({
  name: "draft",
  state: DraftState,
  serverMessages: DraftServerMessage,
  seat: true,
});
export type DraftContract = typeof draftContract;
