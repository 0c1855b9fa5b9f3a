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
  /** `DraftStartedMessage`, to everyone, when the draft starts (by the commissioner or at its scheduled time). */
  STARTED: "draft.started",
  /** `DraftScheduleFailedMessage`, to everyone, when the scheduled start was refused (e.g. too few teams); not retried. */
  SCHEDULE_FAILED: "draft.schedule.failed",
  /** `DraftAbsentMessage`, to everyone, when a team goes on autopick because its manager is absent. */
  ABSENT: "draft.absent",
  /** `DraftBackMessage`, to everyone, when an absent team's manager comes back. */
  BACK: "draft.back",
  /** `DraftLateMessage`, to everyone, when a soft timer runs out (the team is flagged late; nothing is picked). */
  LATE: "draft.late",
  /** `DraftQuietMessage`, to everyone, when quiet hours stop or restart the clock. */
  QUIET: "draft.quiet",
  /** `DraftKeeperMessage`, to everyone, when the commissioner sets or removes a keeper. */
  KEEPER: "draft.keeper",
  /** `DraftTradeMessage`, to everyone, for every trade proposal and decision. */
  TRADE: "draft.trade",
  /** `DraftChatMessage`, to everyone, for every chat line (also kept in `state.chat`). */
  CHAT: "draft.chat",
  /** `AuctionNominatedMessage`, to everyone: a player was nominated; the lot is open with the nominator's opening bid. */
  NOMINATED: "draft.auction.nominated",
  /** `AuctionBidMessage`, to everyone, for every accepted bid (the bid clock restarted). */
  BID: "draft.auction.bid",
  /** `AuctionWonMessage`, to everyone: the bid clock ran out and the high bidder won the lot (then `draft.picked` for the roster entry). */
  WON: "draft.auction.won",
} as const;

export interface DraftStartedMessage {
  /** `commissioner`: the `start` message; `schedule`: the league's `startAt`. */
  by: "commissioner" | "schedule";
  order: string[];
}

export interface DraftScheduleFailedMessage {
  reason: string;
  message: string;
}

export interface DraftAbsentMessage {
  teamId: string;
  reason: "missed-clock" | "disconnected";
}

export interface DraftBackMessage {
  teamId: string;
}

export interface DraftLateMessage {
  teamId: string;
  pickNumber: number;
}

export interface DraftQuietMessage {
  /** True: quiet hours began (the clock stopped); false: they ended (the clock runs again). */
  quiet: boolean;
  remainingMs: number;
}

export interface DraftKeeperMessage {
  teamId: string;
  playerId: string;
  playerName: string;
  round: number;
  /** True when the keeper was removed. */
  removed: boolean;
}

export interface DraftTradeMessage {
  id: string;
  fromTeamId: string;
  toTeamId: string;
  give: { round: number; teamId: string }[];
  get: { round: number; teamId: string }[];
  status: "proposed" | "accepted" | "declined" | "withdrawn" | "vetoed";
}

export interface DraftChatMessage {
  seq: number;
  playerId: string;
  name: string;
  text: string;
  at: number;
}

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
  [DraftServerMessage.STARTED]: DraftStartedMessage;
  [DraftServerMessage.SCHEDULE_FAILED]: DraftScheduleFailedMessage;
  [DraftServerMessage.ABSENT]: DraftAbsentMessage;
  [DraftServerMessage.BACK]: DraftBackMessage;
  [DraftServerMessage.LATE]: DraftLateMessage;
  [DraftServerMessage.QUIET]: DraftQuietMessage;
  [DraftServerMessage.KEEPER]: DraftKeeperMessage;
  [DraftServerMessage.TRADE]: DraftTradeMessage;
  [DraftServerMessage.CHAT]: DraftChatMessage;
  [DraftServerMessage.NOMINATED]: AuctionNominatedMessage;
  [DraftServerMessage.BID]: AuctionBidMessage;
  [DraftServerMessage.WON]: AuctionWonMessage;
}
