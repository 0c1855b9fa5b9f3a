import { AppError, DraftServerMessage, type DraftEvents } from "../../shared/index.ts";
import { playerName, type AuctionEvent, type DraftModel } from "../../shared/rules/draft/index.ts";
import { pickMessage } from "./messages.ts";

/** One room-wide event: its type and payload (what the room's `#announce` sends). */
export type Announcement = { [K in keyof DraftEvents]: { type: K; payload: DraftEvents[K] } }[keyof DraftEvents];

/**
 * The auction's happenings as the room announces them: `draft.auction.nominated`,
 * `draft.auction.bid`, and for a won lot `draft.auction.won` followed by
 * `draft.picked` (the roster entry, with its price, like every pick).
 */
export function auctionAnnouncements(model: DraftModel, events: readonly AuctionEvent[]): Announcement[] {
  const out: Announcement[] = [];
  for (const event of events) {
    switch (event.type) {
      case "nominated":
        out.push({
          type: DraftServerMessage.NOMINATED,
          payload: {
            lot: event.lot,
            playerId: event.playerId,
            playerName: playerName(model, event.playerId),
            teamId: event.teamId,
            bid: event.bid,
            by: event.by,
            ...(event.source ? { source: event.source } : {}),
            deadlineAt: event.deadline,
          },
        });
        break;
      case "bid":
        out.push({
          type: DraftServerMessage.BID,
          payload: { lot: event.lot, playerId: event.playerId, teamId: event.teamId, amount: event.amount, by: event.by, deadlineAt: event.deadline },
        });
        break;
      case "won":
        out.push({
          type: DraftServerMessage.WON,
          payload: {
            lot: event.lot,
            playerId: event.pick.playerId,
            playerName: playerName(model, event.pick.playerId),
            teamId: event.pick.teamId,
            price: event.pick.price ?? 0,
            by: event.pick.by === "autopick" ? "autopick" : "manager",
            budgetLeft: event.budgetLeft,
          },
        });
        out.push({ type: DraftServerMessage.PICKED, payload: pickMessage(model, event.pick) });
        break;
    }
  }
  return out;
}

/** Runs a bid; a refusal carries the client's bid id (if it sent one), so the client matches it to its attempt. */
export function withBidId<T>(bidId: string | undefined, bid: () => T): T {
  if (bidId === undefined) return bid();
  try {
    return bid();
  } catch (error) {
    if (error instanceof AppError) throw new AppError(error.code, error.message, { details: { ...(error.details as object), bidId } });
    throw error;
  }
}
