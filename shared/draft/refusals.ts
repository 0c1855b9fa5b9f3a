import { AppError, type ErrorCode } from "../errors.ts";

/**
 * Why the draft room refused a message: one table (docs/protocol.md "Draft room"). The
 * room answers `error {code, message, details: {reason, …}}`: `code` is the
 * project-wide error code below, `details.reason` the draft rule, and the
 * message starts with the reason and explains the case at hand.
 */
export const DraftRefusals = {
  COMMISSIONER_ONLY: { code: "FORBIDDEN", doc: "Only the league's commissioner may do this." },
  NOT_A_MANAGER: { code: "FORBIDDEN", doc: "The caller has no team in this league (a commissioner without a team picks with `teamId`)." },
  NOT_STARTED: { code: "CONFLICT", doc: "The draft has not started yet." },
  ALREADY_STARTED: { code: "CONFLICT", doc: "The draft has started: the order and the start are fixed." },
  PAUSED: { code: "CONFLICT", doc: "The commissioner paused the draft; picks wait for `resume`." },
  NOT_PAUSED: { code: "CONFLICT", doc: "`resume` needs a paused draft." },
  COMPLETE: { code: "CONFLICT", doc: "The draft is complete; rosters are final." },
  NOT_YOUR_TURN: { code: "CONFLICT", doc: "Another team is on the clock." },
  PLAYER_TAKEN: { code: "CONFLICT", doc: "That player was already drafted." },
  NOT_IN_POOL: { code: "NOT_FOUND", doc: "That player is not in this draft's pool." },
  ROSTER_FULL: { code: "CONFLICT", doc: "The team already has `rosterSize` players." },
  PICK_ID_REUSED: { code: "CONFLICT", doc: "This pick id already made a different pick; use a new id for a new pick." },
  UNKNOWN_TEAM: { code: "NOT_FOUND", doc: "No team with that id in this league." },
  BAD_ORDER: { code: "VALIDATION_FAILED", doc: "The order must list every team of the league exactly once." },
  ORDER_IS_RANDOM: { code: "CONFLICT", doc: "This league's order is random (drawn at start); create it with `draftOrder: manual` to set it." },
  NOT_ENOUGH_TEAMS: { code: "CONFLICT", doc: "A draft needs at least two teams." },
  NOT_ENOUGH_PLAYERS: { code: "CONFLICT", doc: "The pool has fewer players than the draft has picks (teams × rosterSize)." },
  NOTHING_TO_UNDO: { code: "CONFLICT", doc: "No such pick to undo." },
  STARTING: { code: "CONFLICT", doc: "The draft is being started; try again in a moment." },
  NO_OPEN_SLOT: { code: "CONFLICT", doc: "Roster slots: the team has no open slot for the player's position and no open BENCH slot." },
  BAD_KEEPER: { code: "VALIDATION_FAILED", doc: "A keeper's round must be one of the draft's rounds." },
  UNKNOWN_KEEPER: { code: "NOT_FOUND", doc: "The team keeps nobody in that round." },
  PICK_NOT_OWNED: { code: "CONFLICT", doc: "The team does not own that pick slot (it was traded), so it cannot trade it or spend it on a keeper." },
  PICK_USED: { code: "CONFLICT", doc: "That pick slot has been made already." },
  KEEPER_PICK: { code: "CONFLICT", doc: "That pick slot is spent on a keeper and cannot be traded." },
  BAD_TRADE: { code: "VALIDATION_FAILED", doc: "A trade needs another team, at least one pick each way, as many picks each way, no pick twice, existing rounds." },
  UNKNOWN_TRADE: { code: "NOT_FOUND", doc: "No trade with that id in this draft." },
  TRADE_CLOSED: { code: "CONFLICT", doc: "The trade was already accepted, declined, withdrawn or vetoed." },
  NOT_YOUR_TRADE: { code: "FORBIDDEN", doc: "Only the receiving manager accepts a trade; only its two managers decline or withdraw it." },
  TOO_MANY_TRADES: { code: "CONFLICT", doc: "The draft keeps at most 200 trade proposals." },
  // Auction drafts (docs/protocol.md "Auction drafts").
  NOT_AUCTION: { code: "CONFLICT", doc: "`auction.*` messages need an auction draft (`draftType: auction`)." },
  AUCTION_DRAFT: { code: "CONFLICT", doc: "An auction draft fills rosters by nominations and bids: `pick` and `undo` are not offered." },
  NOT_YOUR_NOMINATION: { code: "CONFLICT", doc: "Another team is on the nomination clock." },
  LOT_OPEN: { code: "CONFLICT", doc: "A player is being auctioned; the next nomination waits until that lot is won." },
  NO_LOT: { code: "CONFLICT", doc: "No player is being auctioned: the team on the nomination clock nominates one first." },
  LOT_CLOSED: { code: "CONFLICT", doc: "The bid names a lot that is no longer open (it was won meanwhile)." },
  BID_TOO_LOW: { code: "CONFLICT", doc: "A bid must exceed the current high bid (an opening bid is at least 1)." },
  ABOVE_MAX_BID: { code: "CONFLICT", doc: "Above the team's max bid: budget left − $1 × the empty roster slots after this one." },
  ALREADY_HIGH_BIDDER: { code: "CONFLICT", doc: "The team already holds the high bid on this lot." },
  BID_ID_REUSED: { code: "CONFLICT", doc: "This bid id already placed a different bid; use a new id for a new bid." },
} as const satisfies Record<string, { code: ErrorCode; doc: string }>;

export type DraftRefusalReason = keyof typeof DraftRefusals;

/** An `AppError` for a draft rule: `<REASON>: <explanation>` with `details.reason`. */
export function draftRefusal(reason: DraftRefusalReason, explanation: string, details: Record<string, unknown> = {}): AppError {
  return new AppError(DraftRefusals[reason].code, `${reason}: ${explanation}`, { details: { reason, ...details } });
}
