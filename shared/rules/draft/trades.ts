import { draftRefusal } from "../../draft/refusals.ts";
import { isCommissioner, slotKey, slotOwner, teamName, teamOf, type Actor, type DraftModel } from "./model.ts";
import { slotUsed } from "./keepers.ts";

/**
 * Pick trading. A manager proposes to another manager to swap pick slots
 * (a slot = a round and the team whose draft position it is); the other
 * manager accepts (the trade executes at once: the order shows the new
 * owners) or declines; the proposer may withdraw. The commissioner may veto
 * a trade while it is proposed (before it executes). Trades are pick for
 * pick (both sides give as many picks), so every team keeps `rounds` picks.
 * Allowed before and during the draft, never with a used pick or a keeper's.
 */

/** A pick slot: its round and its original team (whose draft position it is). */
export interface PickRef {
  round: number;
  teamId: string;
}

export type TradeStatus = "proposed" | "accepted" | "declined" | "withdrawn" | "vetoed";

export interface DraftTrade {
  id: string;
  fromTeamId: string;
  toTeamId: string;
  /** Slots the proposer gives. */
  give: PickRef[];
  /** Slots the proposer gets. */
  get: PickRef[];
  status: TradeStatus;
  /** Epoch ms. */
  proposedAt: number;
  decidedAt?: number;
}

/** Most trades a draft keeps (every status); further proposals are refused. */
export const MAX_TRADES = 200;

export interface TradeProposal {
  toTeamId: string;
  give: PickRef[];
  get: PickRef[];
}

export function proposeTrade(model: DraftModel, actor: Actor, proposal: TradeProposal, now: number): DraftTrade {
  const from = teamOf(model, actor.playerId);
  if (!from) throw draftRefusal("NOT_A_MANAGER", "You have no team in this league, so no picks to trade");
  if (model.status === "complete") throw draftRefusal("COMPLETE", "The draft is complete");
  if (model.auction) throw draftRefusal("AUCTION_DRAFT", "An auction draft has no picks to trade: players are won by bidding");
  if (!model.teams.some((t) => t.teamId === proposal.toTeamId)) throw draftRefusal("UNKNOWN_TEAM", `No team ${proposal.toTeamId} in this league`);
  if (proposal.toTeamId === from.teamId) throw draftRefusal("BAD_TRADE", "A trade needs another team");
  if (proposal.give.length === 0 || proposal.give.length !== proposal.get.length) {
    throw draftRefusal("BAD_TRADE", `Trades are pick for pick: give and get as many picks (gave ${proposal.give.length}, asked ${proposal.get.length})`);
  }
  const keys = [...proposal.give, ...proposal.get].map((ref) => slotKey(ref.round, ref.teamId));
  if (new Set(keys).size !== keys.length) throw draftRefusal("BAD_TRADE", "A pick appears twice in the trade");
  if (model.trades.length >= MAX_TRADES) throw draftRefusal("TOO_MANY_TRADES", `This draft has had ${MAX_TRADES} trade proposals, the most it keeps`);
  assertTradable(model, from.teamId, proposal.give);
  assertTradable(model, proposal.toTeamId, proposal.get);
  const trade: DraftTrade = { id: `tr${++model.tradeSeq}`, fromTeamId: from.teamId, toTeamId: proposal.toTeamId, give: proposal.give.map(copy), get: proposal.get.map(copy), status: "proposed", proposedAt: now };
  model.trades.push(trade);
  return trade;
}

/** The other manager accepts: checked again (picks may have been used or traded since), then executed at once. */
export function acceptTrade(model: DraftModel, actor: Actor, tradeId: string, now: number): DraftTrade {
  const trade = openTrade(model, tradeId);
  if (teamOf(model, actor.playerId)?.teamId !== trade.toTeamId) throw draftRefusal("NOT_YOUR_TRADE", `Only ${teamName(model, trade.toTeamId)}'s manager may accept trade ${tradeId}`);
  if (model.status === "complete") throw draftRefusal("COMPLETE", "The draft is complete");
  assertTradable(model, trade.fromTeamId, trade.give);
  assertTradable(model, trade.toTeamId, trade.get);
  for (const ref of trade.give) model.pickOwners[slotKey(ref.round, ref.teamId)] = trade.toTeamId;
  for (const ref of trade.get) model.pickOwners[slotKey(ref.round, ref.teamId)] = trade.fromTeamId;
  for (const [key, owner] of Object.entries(model.pickOwners)) if (key.endsWith(`:${owner}`)) delete model.pickOwners[key]; // back home
  return decide(trade, "accepted", now);
}

/** The other manager declines, or the proposer withdraws. */
export function declineTrade(model: DraftModel, actor: Actor, tradeId: string, now: number): DraftTrade {
  const trade = openTrade(model, tradeId);
  const team = teamOf(model, actor.playerId)?.teamId;
  if (team === trade.toTeamId) return decide(trade, "declined", now);
  if (team === trade.fromTeamId) return decide(trade, "withdrawn", now);
  throw draftRefusal("NOT_YOUR_TRADE", `Only the two managers of trade ${tradeId} may decline or withdraw it`);
}

/** Commissioner: vetoes a trade before it executes (while it is proposed). */
export function vetoTrade(model: DraftModel, actor: Actor, tradeId: string, now: number): DraftTrade {
  if (!isCommissioner(model, actor)) throw draftRefusal("COMMISSIONER_ONLY", "Only the commissioner may veto trades");
  return decide(openTrade(model, tradeId), "vetoed", now);
}

function openTrade(model: DraftModel, tradeId: string): DraftTrade {
  const trade = model.trades.find((t) => t.id === tradeId);
  if (!trade) throw draftRefusal("UNKNOWN_TRADE", `No trade ${tradeId} in this draft`);
  if (trade.status !== "proposed") throw draftRefusal("TRADE_CLOSED", `Trade ${tradeId} is already ${trade.status}`, { status: trade.status });
  return trade;
}

function decide(trade: DraftTrade, status: TradeStatus, now: number): DraftTrade {
  trade.status = status;
  trade.decidedAt = now;
  return trade;
}

function assertTradable(model: DraftModel, ownerId: string, refs: PickRef[]): void {
  for (const ref of refs) {
    const label = `the round ${ref.round} pick of ${teamName(model, ref.teamId)}`;
    if (!model.teams.some((t) => t.teamId === ref.teamId)) throw draftRefusal("UNKNOWN_TEAM", `No team ${ref.teamId} in this league`);
    if (ref.round < 1 || ref.round > model.rules.rounds) throw draftRefusal("BAD_TRADE", `Round ${ref.round} does not exist; the draft has rounds 1 to ${model.rules.rounds}`);
    if (slotOwner(model, ref.round, ref.teamId) !== ownerId) {
      throw draftRefusal("PICK_NOT_OWNED", `${teamName(model, ownerId)} does not own ${label}`, { round: ref.round, teamId: ref.teamId, owner: slotOwner(model, ref.round, ref.teamId) });
    }
    const used = slotUsed(model, ref.round, ref.teamId);
    if (used === "picked") throw draftRefusal("PICK_USED", `${label} has been made already`, { round: ref.round, teamId: ref.teamId });
    if (used === "keeper") throw draftRefusal("KEEPER_PICK", `${label} is spent on a keeper`, { round: ref.round, teamId: ref.teamId });
  }
}

const copy = (ref: PickRef): PickRef => ({ round: ref.round, teamId: ref.teamId });
