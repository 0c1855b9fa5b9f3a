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
  /** `AuctionNominatedMessage`, to everyone: a player was nominated; the lot is open with the nominator's opening bid. */
  NOMINATED: "draft.auction.nominated",
  /** `AuctionBidMessage`, to everyone, for every accepted bid (the bid clock restarted). */
  BID: "draft.auction.bid",
  /** `AuctionWonMessage`, to everyone: the bid clock ran out and the high bidder won the lot (then `draft.picked` for the roster entry). */
  WON: "draft.auction.won",
} as const;

export interface DraftPickMessage {
  number: number;
  round: number;
  teamId: string;
  playerId: string;
  playerName: string;
  by: DraftPickBy;
  source?: AutopickSource;
  /** Auction drafts: what the team paid. */
  price?: number;
}

/** Who acted in an auction: the team's manager, or the room for a team in autopick mode (or whose nomination clock ran out). */
export type AuctionBidBy = "manager" | "autopick";

export interface AuctionNominatedMessage {
  /** The lot number (1-based; one lot per player auctioned). */
  lot: number;
  playerId: string;
  playerName: string;
  /** The nominating team, holding the opening bid. */
  teamId: string;
  bid: number;
  by: AuctionBidBy;
  /** Where an automatic nomination came from. */
  source?: AutopickSource;
  /** When the bid clock runs out (epoch ms, server clock). */
  deadlineAt: number;
}

export interface AuctionBidMessage {
  lot: number;
  playerId: string;
  teamId: string;
  amount: number;
  by: AuctionBidBy;
  deadlineAt: number;
}

export interface AuctionWonMessage {
  lot: number;
  playerId: string;
  playerName: string;
  teamId: string;
  price: number;
  by: AuctionBidBy;
  /** The winner's budget left after paying. */
  budgetLeft: number;
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
  [DraftServerMessage.NOMINATED]: AuctionNominatedMessage;
  [DraftServerMessage.BID]: AuctionBidMessage;
  [DraftServerMessage.WON]: AuctionWonMessage;
}
