import { rankings, type DraftModel } from "./model.ts";

/**
 * The numbers of an auction draft (docs/protocol.md "Auction drafts"): empty
 * roster slots, budgets, the max-bid rule, the nomination order and the value
 * an automatic bidder pays up to. Pure functions over the model.
 */

/**
 * Empty roster slots of a team: roster size minus players won. The one place
 * that says how many players a team still needs.
 */
export function emptySlots(model: DraftModel, teamId: string): number {
  const owned = model.picks.filter((p) => p.teamId === teamId).length;
  return Math.max(0, model.rules.rounds - owned);
}

/** Budget left: the auction budget minus what the team has spent. */
export function budgetLeft(model: DraftModel, teamId: string): number {
  const auction = model.auction;
  if (!auction) return 0;
  return auction.budget - (auction.spent[teamId] ?? 0);
}

/**
 * The max-bid rule: a team must keep $1 for each empty slot after the one
 * it is bidding for, so its max bid is budget left − 1 × (empty slots − 1).
 * A team with no empty slot cannot bid (0).
 */
export function maxBid(model: DraftModel, teamId: string): number {
  const empty = emptySlots(model, teamId);
  if (empty === 0) return 0;
  return Math.max(0, budgetLeft(model, teamId) - (empty - 1));
}

/**
 * The next team to nominate: the first team of `order`, from position
 * `from` on and wrapping around, that still has an empty slot (full teams
 * are skipped). Undefined when every roster is full.
 */
export function nextNominator(order: readonly string[], from: number, hasEmptySlot: (teamId: string) => boolean): { teamId: string; index: number } | undefined {
  for (let step = 0; step < order.length; step++) {
    const index = (from + step) % order.length;
    if (hasEmptySlot(order[index])) return { teamId: order[index], index };
  }
  return undefined;
}

/**
 * What an automatic bidder pays at most for a player (before the max-bid
 * rule): a linear value curve over the league's rankings. With N = teams ×
 * roster size slots and all the money in the draft, M = budget × teams, the
 * player ranked r (1 = best) is worth M × 2 (N − r + 1) / (N (N + 1)),
 * rounded down, at least 1: the values of the N best players add up to M,
 * and each rank is worth the same step less than the one above. Unranked
 * players and players ranked below N are worth 1.
 */
export function auctionValue(model: DraftModel, playerId: string): number {
  const auction = model.auction;
  if (!auction) return 0;
  const rank = rankings(model).indexOf(playerId) + 1;
  const slots = model.teams.length * model.rules.rounds;
  if (rank === 0 || rank > slots) return 1;
  const money = auction.budget * model.teams.length;
  return Math.max(1, Math.floor((money * 2 * (slots - rank + 1)) / (slots * (slots + 1))));
}

/**
 * Whether the room acts for a team (auto-nominate, auto-bid): the team's
 * autopick mode, which the manager sets with `autopick.set` and the
 * absent-manager policies turn on. The one place that says who is absent.
 */
export function isAbsent(model: DraftModel, teamId: string): boolean {
  const team = model.teams.find((t) => t.teamId === teamId);
  return team !== undefined && (team.autopick || team.absent !== undefined);
}
