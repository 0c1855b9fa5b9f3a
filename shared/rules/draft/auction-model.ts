import { AUCTION_DEFAULTS, type League } from "../../fantasy-leagues.ts";

/** Auction drafts: the player being auctioned. */
export interface AuctionLot {
  /** 1-based, one per player auctioned (= the pick number the lot becomes). */
  number: number;
  playerId: string;
  nominator: string;
  highBid: number;
  highBidder: string;
  /** Who placed the high bid (the pick's `by` if it wins). */
  highBy: "manager" | "autopick";
  bids: number;
}

/** Auction drafts' part of the model (absent in snake and linear drafts). */
export interface AuctionModel {
  budget: number;
  nominationSeconds: number;
  bidSeconds: number;
  /** The team on the nomination clock ("" while a lot is open or before the start). */
  nominator: string;
  /** Position in `order` where the search for the next nominator starts. */
  nextIndex: number;
  lot?: AuctionLot;
  /** Spent so far, by team id. */
  spent: Record<string, number>;
  /** Accepted client bids by `<actor playerId>:<bidId>` (idempotency): the lot and amount. */
  bidKeys: Record<string, { lot: number; amount: number }>;
}

/** An auction draft's part of a fresh model: the league's budget and clocks (or their defaults), nothing spent. */
export function createAuction(league: League): AuctionModel {
  return {
    budget: league.budget ?? AUCTION_DEFAULTS.budget,
    nominationSeconds: league.nominationSeconds ?? AUCTION_DEFAULTS.nominationSeconds,
    bidSeconds: league.bidSeconds ?? AUCTION_DEFAULTS.bidSeconds,
    nominator: "",
    nextIndex: 0,
    spent: {},
    bidKeys: {},
  };
}
