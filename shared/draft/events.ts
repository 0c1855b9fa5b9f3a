import type { AutopickSource, DraftPickBy } from "./state.ts";

/*
 * The `draft` room's server → client messages: names and payloads. Zod-free,
 * so the SDK's browser bundles import it at run time (the client → server
 * schemas are in messages.ts).
 */

/** Server → client messages of the `draft` room (besides the common `error`, `auth.*`). All are sent after the patch that shows them. */
export const DraftServerMessage = {
  /** `DraftPickResult`, to the client that sent `pick`: the pick it made, or, for a retried pick id, the pick the first attempt made. */
  PICK_RESULT: "draft.pick.result",
  /** `DraftPickMessage`, to everyone, for every pick (manager, commissioner or autopick). */
  PICKED: "draft.picked",
  /** `DraftUndoneMessage`, to everyone, when the commissioner undoes picks. */
  UNDONE: "draft.undone",
  /** `DraftCompleteMessage`, to everyone, once the rosters are saved. */
  COMPLETE: "draft.complete",
} as const;

export interface DraftPickMessage {
  number: number;
  round: number;
  teamId: string;
  playerId: string;
  playerName: string;
  by: DraftPickBy;
  source?: AutopickSource;
}

export interface DraftPickResult {
  pickId: string;
  /** True when this answers a retry: the pick was made by the first attempt, nothing changed now. */
  replayed: boolean;
  /** True when the commissioner has since undone this pick. */
  undone: boolean;
  pick: DraftPickMessage;
}

export interface DraftUndoneMessage {
  /** The first undone pick number; every later pick was undone too. */
  fromPick: number;
  undone: DraftPickMessage[];
}

export interface DraftCompleteMessage {
  leagueId: string;
  standingsBoardId: string;
  rosters: { teamId: string; name: string; playerIds: string[] }[];
}

/** Server → client events of the `draft` room, payload by type (for typed SDK handles). */
export interface DraftEvents {
  [DraftServerMessage.PICK_RESULT]: DraftPickResult;
  [DraftServerMessage.PICKED]: DraftPickMessage;
  [DraftServerMessage.UNDONE]: DraftUndoneMessage;
  [DraftServerMessage.COMPLETE]: DraftCompleteMessage;
}
