import { draftRefusal } from "../../draft/refusals.ts";
import type { AuctionBidBy } from "../../draft/events.ts";
import type { AutopickSource } from "../../draft/state.ts";
import { chooseAutopick } from "./autopick.ts";
import { auctionValue, budgetLeft, emptySlots, isAbsent, maxBid, nextNominator } from "./auction-values.ts";
import { markAbsent } from "./absent.ts";
import { keeperPick } from "./keepers.ts";
import type { ClockNotice } from "./picks.ts";
import { assignSlot, fitOf, positionOf } from "./slots.ts";
import { playerName, rankings, resetClock, takenPlayers, teamName, teamOf, type Actor, type DraftModel, type DraftPick } from "./model.ts";
import type { AuctionLot, AuctionModel } from "./auction-model.ts";

/**
 * Auction drafts (docs/protocol.md "Auction drafts"): the team on the
 * nomination clock puts a player up with an opening bid; any team with an
 * empty slot bids above the high bid, up to its max bid; each bid restarts
 * the bid clock; when it runs out the high bidder wins the player for its
 * bid. Teams nominate in draft order, skipping full rosters; the draft is
 * complete when every roster is full or nobody is left. For a team in
 * autopick mode (absent) the room nominates (queue → rankings → best
 * available, opening at 1) and bids the minimum increment up to the
 * player's value (auction-values.ts), capped by the max-bid rule.
 */

/** What happened, for the room to announce (values as they were then). */
export type AuctionEvent =
  | { type: "nominated"; lot: number; playerId: string; teamId: string; bid: number; by: AuctionBidBy; source?: AutopickSource; deadline: number }
  | { type: "bid"; lot: number; playerId: string; teamId: string; amount: number; by: AuctionBidBy; deadline: number }
  | { type: "won"; lot: number; pick: DraftPick; budgetLeft: number };

export interface NominateRequest {
  playerId: string;
  /** The opening bid. @default 1 */
  bid?: number;
}

export interface BidRequest {
  amount: number;
  /** The lot the bid is meant for. */
  lot?: number;
  /** The client's idempotency key for this bid. */
  bidId?: string;
}

function auctionOf(model: DraftModel): AuctionModel {
  if (!model.auction) throw draftRefusal("NOT_AUCTION", `This is a ${model.rules.draftType} draft, not an auction: make picks instead`);
  return model.auction;
}

/** The auction's checks before any nomination or bid: an auction draft, running. */
function assertBidding(model: DraftModel): AuctionModel {
  const auction = auctionOf(model);
  if (model.status === "waiting") throw draftRefusal("NOT_STARTED", "The commissioner has not started the draft yet");
  if (model.status === "paused") throw draftRefusal("PAUSED", "The draft is paused; the auction resumes when the commissioner resumes it");
  if (model.status === "complete") throw draftRefusal("COMPLETE", "The draft is complete");
  return auction;
}

function managerTeam(model: DraftModel, actor: Actor): string {
  const team = teamOf(model, actor.playerId);
  if (!team) throw draftRefusal("NOT_A_MANAGER", "You have no team in this league, so no budget to bid with");
  return team.teamId;
}

/** The auction starts (called as the draft starts): the first team of the order is on the nomination clock. */
export function openNominations(model: DraftModel, now: number): void {
  const auction = auctionOf(model);
  // Keepers take their roster slots before the first nomination, at no price (an auction has no round's pick to spend).
  for (const keeper of [...model.keepers].sort((a, b) => a.round - b.round)) {
    if (!model.picks.some((p) => p.playerId === keeper.playerId)) model.picks.push({ ...keeperPick(model, keeper, model.picks.length + 1, now), price: 0 });
  }
  auction.nextIndex = 0;
  auction.lot = undefined;
  nextTurn(model, now);
}

/** A manager nominates a player for their team, which is on the nomination clock, with an opening bid. */
export function nominate(model: DraftModel, actor: Actor, request: NominateRequest, now: number): AuctionEvent {
  const auction = assertBidding(model);
  const teamId = managerTeam(model, actor);
  if (auction.lot) throw draftRefusal("LOT_OPEN", `${playerName(model, auction.lot.playerId)} is being auctioned (lot ${auction.lot.number}); nominate when it is won`, { lot: auction.lot.number });
  if (auction.nominator !== teamId) {
    throw draftRefusal("NOT_YOUR_NOMINATION", `It is ${teamName(model, auction.nominator)}'s turn to nominate`, { nominator: auction.nominator });
  }
  assertAvailable(model, request.playerId);
  assertFits(model, teamId, request.playerId);
  const bid = request.bid ?? 1;
  assertWithinMax(model, teamId, bid);
  return openLot(model, teamId, request.playerId, bid, "manager", undefined, now);
}

/** A manager's bid on the open lot. A retried `bidId` that was accepted changes nothing (answers no event). */
export function placeBid(model: DraftModel, actor: Actor, request: BidRequest, now: number): AuctionEvent[] {
  const auction = auctionOf(model);
  const key = request.bidId === undefined ? undefined : `${actor.playerId}:${request.bidId}`;
  const earlier = key === undefined ? undefined : auction.bidKeys[key];
  if (earlier) {
    if (earlier.amount === request.amount && (request.lot === undefined || request.lot === earlier.lot)) return [];
    throw draftRefusal("BID_ID_REUSED", `Bid id ${request.bidId} already bid ${earlier.amount} on lot ${earlier.lot}; send a new id for a new bid`, { bidId: request.bidId });
  }
  assertBidding(model);
  const teamId = managerTeam(model, actor);
  const lot = auction.lot;
  if (!lot || (request.lot !== undefined && request.lot !== lot.number)) {
    if (request.lot !== undefined && request.lot <= model.picks.length) {
      throw draftRefusal("LOT_CLOSED", `Lot ${request.lot} is closed: ${playerName(model, model.picks[request.lot - 1].playerId)} went to ${teamName(model, model.picks[request.lot - 1].teamId)}`, { lot: request.lot });
    }
    if (!lot) throw draftRefusal("NO_LOT", `No player is being auctioned; ${teamName(model, auction.nominator)} is to nominate one`, { nominator: auction.nominator });
    throw draftRefusal("LOT_CLOSED", `Lot ${request.lot} is not open; lot ${lot.number} is`, { lot: lot.number });
  }
  if (emptySlots(model, teamId) === 0) throw draftRefusal("ROSTER_FULL", `${teamName(model, teamId)} already has ${model.rules.rounds} of ${model.rules.rounds} players`, { teamId });
  if (lot.highBidder === teamId) throw draftRefusal("ALREADY_HIGH_BIDDER", `${teamName(model, teamId)} already holds the high bid (${lot.highBid})`, { highBid: lot.highBid });
  if (request.amount <= lot.highBid) {
    throw draftRefusal("BID_TOO_LOW", `The high bid is ${lot.highBid}; bid at least ${lot.highBid + 1}`, { highBid: lot.highBid, minBid: lot.highBid + 1 });
  }
  assertFits(model, teamId, lot.playerId);
  assertWithinMax(model, teamId, request.amount);
  const event = applyBid(model, teamId, request.amount, "manager", now);
  if (key) auction.bidKeys[key] = { lot: lot.number, amount: request.amount };
  return [event];
}

/**
 * The auction's clock, while running: absent teams bid (in order after the
 * high bidder, one minimum increment at a time, while the price is below
 * their ceiling); a lot whose bid clock ran out goes to the high bidder; the
 * team on the nomination clock nominates automatically when absent or when
 * its clock ran out. Answers what happened, in order.
 */
export function auctionTick(model: DraftModel, now: number, notices: ClockNotice[] = []): AuctionEvent[] {
  const events: AuctionEvent[] = [];
  while (model.status === "running" && model.auction && !model.quiet) {
    const auction = model.auction;
    if (auction.lot) {
      events.push(...autoBids(model, now));
      if (now < model.clock.deadline) break;
      events.push(award(model, now));
      continue;
    }
    if (!isAbsent(model, auction.nominator)) {
      if (now < model.clock.deadline) break;
      // The nomination clock ran out: the same policies as a missed pick clock.
      const team = model.teams.find((t) => t.teamId === auction.nominator)!;
      if (model.rules.softTimer) {
        if (!team.late) {
          team.late = true;
          notices.push({ type: "late", teamId: team.teamId, pickNumber: model.picks.length + 1 });
        }
        break;
      }
      if (model.rules.absentPolicy === "missed-clock" && markAbsent(model, team.teamId, "missed-clock")) {
        notices.push({ type: "absent", teamId: team.teamId, reason: "missed-clock" });
      }
    }
    const event = autoNominate(model, now);
    if (!event) {
      complete(model);
      break;
    }
    events.push(event);
  }
  return events;
}

/** What an absent team pays at most for the player: its value, capped by the max-bid rule. */
export function autoBidCeiling(model: DraftModel, teamId: string, playerId: string): number {
  return Math.min(auctionValue(model, playerId), maxBid(model, teamId));
}

function assertAvailable(model: DraftModel, playerId: string): void {
  if (!model.pool.some((p) => p.playerId === playerId)) throw draftRefusal("NOT_IN_POOL", `Player ${playerId} is not in this draft's pool`, { playerId });
  const taken = model.picks.find((p) => p.playerId === playerId);
  if (taken) {
    throw draftRefusal("PLAYER_TAKEN", `${playerName(model, playerId)} went to ${teamName(model, taken.teamId)} (lot ${taken.number})`, { playerId, pickNumber: taken.number });
  }
}

/** Roster slots: the player must fit an open slot of the team (their position's, else BENCH). */
function assertFits(model: DraftModel, teamId: string, playerId: string): void {
  if (fitOf(model, teamId, playerId) !== undefined) return;
  const position = positionOf(model, playerId);
  throw draftRefusal("NO_OPEN_SLOT", `${teamName(model, teamId)} has no open ${position ?? "unpositioned"} or BENCH slot for ${playerName(model, playerId)}`, { playerId, position: position ?? null });
}

function assertWithinMax(model: DraftModel, teamId: string, amount: number): void {
  const max = maxBid(model, teamId);
  if (amount > max) {
    throw draftRefusal("ABOVE_MAX_BID", `${teamName(model, teamId)} may bid at most ${max}: ${budgetLeft(model, teamId)} left, $1 kept for each of ${emptySlots(model, teamId) - 1} more empty slot(s)`, {
      maxBid: max,
      budgetLeft: budgetLeft(model, teamId),
    });
  }
}

function openLot(model: DraftModel, teamId: string, playerId: string, bid: number, by: AuctionBidBy, source: AutopickSource | undefined, now: number): AuctionEvent {
  const auction = model.auction!;
  const lot: AuctionLot = { number: model.picks.length + 1, playerId, nominator: teamId, highBid: bid, highBidder: teamId, highBy: by, bids: 1 };
  auction.lot = lot;
  auction.nominator = "";
  const nominator = model.teams.find((t) => t.teamId === teamId);
  if (nominator) delete nominator.late;
  resetClock(model, now);
  return { type: "nominated", lot: lot.number, playerId, teamId, bid, by, ...(source ? { source } : {}), deadline: model.clock.deadline };
}

function applyBid(model: DraftModel, teamId: string, amount: number, by: AuctionBidBy, now: number): AuctionEvent {
  const lot = model.auction!.lot!;
  lot.highBid = amount;
  lot.highBidder = teamId;
  lot.highBy = by;
  lot.bids++;
  resetClock(model, now);
  return { type: "bid", lot: lot.number, playerId: lot.playerId, teamId, amount, by, deadline: model.clock.deadline };
}

function autoNominate(model: DraftModel, now: number): AuctionEvent | undefined {
  const auction = model.auction!;
  const team = model.teams.find((t) => t.teamId === auction.nominator);
  if (!team) return undefined;
  const choice = chooseAutopick({
    queue: team.queue,
    rankings: rankings(model),
    pool: model.pool.map((p) => p.playerId),
    taken: takenPlayers(model),
    ...(model.rules.rosterSlots ? { fits: (playerId: string) => fitOf(model, team.teamId, playerId) } : {}),
  });
  if (!choice) return undefined;
  return openLot(model, team.teamId, choice.playerId, 1, "autopick", choice.source, now);
}

function autoBids(model: DraftModel, now: number): AuctionEvent[] {
  const events: AuctionEvent[] = [];
  for (;;) {
    const lot = model.auction!.lot!;
    const start = model.order.indexOf(lot.highBidder) + 1;
    const rotation = model.order.map((_, i) => model.order[(start + i) % model.order.length]);
    const bidder = rotation.find((teamId) => teamId !== lot.highBidder && isAbsent(model, teamId) && fitOf(model, teamId, lot.playerId) !== undefined && lot.highBid + 1 <= autoBidCeiling(model, teamId, lot.playerId));
    if (bidder === undefined) return events;
    events.push(applyBid(model, bidder, lot.highBid + 1, "autopick", now));
  }
}

function award(model: DraftModel, now: number): AuctionEvent {
  const auction = model.auction!;
  const lot = auction.lot!;
  const owned = model.picks.filter((p) => p.teamId === lot.highBidder).length;
  const pick: DraftPick = { number: lot.number, round: owned + 1, teamId: lot.highBidder, playerId: lot.playerId, by: lot.highBy, at: now, price: lot.highBid };
  const slot = assignSlot(model, lot.highBidder, lot.playerId);
  if (slot) pick.slot = slot;
  model.picks.push(pick);
  auction.spent[lot.highBidder] = (auction.spent[lot.highBidder] ?? 0) + lot.highBid;
  auction.lot = undefined;
  for (const team of model.teams) team.queue = team.queue.filter((id) => id !== lot.playerId);
  nextTurn(model, now);
  return { type: "won", lot: lot.number, pick, budgetLeft: budgetLeft(model, pick.teamId) };
}

/** The next team with an empty slot goes on the nomination clock; with none (or nobody left to nominate) the draft is complete. */
function nextTurn(model: DraftModel, now: number): void {
  const auction = model.auction!;
  const next = nextNominator(model.order, auction.nextIndex, (teamId) => emptySlots(model, teamId) > 0);
  const taken = takenPlayers(model);
  if (!next || !model.pool.some((p) => !taken.has(p.playerId))) return complete(model);
  auction.nominator = next.teamId;
  auction.nextIndex = (next.index + 1) % model.order.length;
  resetClock(model, now);
}

function complete(model: DraftModel): void {
  model.status = "complete";
  model.clock = { deadline: 0, remainingMs: 0 };
  if (model.auction) {
    model.auction.nominator = "";
    model.auction.lot = undefined;
  }
}
