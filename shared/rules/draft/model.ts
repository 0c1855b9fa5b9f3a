import { draftRefusal } from "../../draft/refusals.ts";
import type { AutopickSource, DraftPickBy, DraftStatus } from "../../draft/state.ts";
import type { DraftOrderMode } from "../../fantasy-leagues.ts";
import { AUCTION_DEFAULTS, type League } from "../../fantasy-leagues.ts";
import { slotOf, type OrderRules, type PickSlot } from "./order.ts";

/**
 * The draft's rules as pure functions over a plain, JSON-serialisable model
 * (the room snapshots it to the store after every change and restores it
 * after a restart). Functions mutate the model they are given and throw
 * `draftRefusal(...)` (an AppError) without changing anything when a rule
 * says no. Time is always passed in (`now`, epoch ms).
 */

export interface DraftTeam {
  teamId: string;
  name: string;
  managerId: string;
  autopick: boolean;
  /** Private: player ids, first = next. */
  queue: string[];
}

export interface PoolPlayer {
  playerId: string;
  name: string;
  /** 0: unrated. */
  rating: number;
  /** 1-based rank in the default rankings; 0: unranked. */
  rank: number;
}

export interface DraftPick {
  number: number;
  round: number;
  teamId: string;
  playerId: string;
  by: DraftPickBy;
  source?: AutopickSource;
  at: number;
  /** `<actor playerId>:<client pickId>` for client picks (idempotency). */
  key?: string;
  /** Auction drafts: what the team paid for the player. */
  price?: number;
}

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

export interface DraftRules extends OrderRules {
  pickSeconds: number;
  orderMode: DraftOrderMode;
}

export interface DraftModel {
  /** Bumped by the room after every change; snapshots only move forward. */
  version: number;
  leagueId: string;
  leagueName: string;
  commissionerId: string;
  rules: DraftRules;
  status: DraftStatus;
  /** In join order. */
  teams: DraftTeam[];
  /** Round 1's order (team ids); empty until the commissioner sets it or the draft starts. */
  order: string[];
  /** Pool order: rated players by rank, then supplied players. */
  pool: PoolPlayer[];
  picks: DraftPick[];
  /** `deadline`: epoch ms while running, else 0. `remainingMs`: frozen while paused. */
  clock: { deadline: number; remainingMs: number };
  /** Successful client picks by key: a retry with the same key answers the same pick. */
  pickKeys: Record<string, DraftPick>;
  rostersSaved: boolean;
  /** Auction drafts only (`rules.draftType` "auction"). */
  auction?: AuctionModel;
}

export interface Actor {
  playerId: string;
}

/** A fresh draft for a league and its pool (status `waiting`). */
export function createDraft(league: League, pool: PoolPlayer[]): DraftModel {
  return {
    version: 0,
    leagueId: league.id,
    leagueName: league.name,
    commissionerId: league.commissionerId,
    rules: {
      draftType: league.draftType,
      thirdRoundReversal: league.thirdRoundReversal,
      rounds: league.rosterSize,
      pickSeconds: league.pickSeconds,
      orderMode: league.draftOrder,
    },
    status: "waiting",
    teams: league.teams.map((t) => ({ teamId: t.teamId, name: t.name, managerId: t.managerId, autopick: false, queue: [] })),
    order: [],
    pool,
    picks: [],
    clock: { deadline: 0, remainingMs: league.pickSeconds * 1000 },
    pickKeys: {},
    rostersSaved: false,
    ...(league.draftType === "auction"
      ? {
          auction: {
            budget: league.budget ?? AUCTION_DEFAULTS.budget,
            nominationSeconds: league.nominationSeconds ?? AUCTION_DEFAULTS.nominationSeconds,
            bidSeconds: league.bidSeconds ?? AUCTION_DEFAULTS.bidSeconds,
            nominator: "",
            nextIndex: 0,
            spent: {},
            bidKeys: {},
          },
        }
      : {}),
  };
}

/** Adds teams that joined the league since (only before the start: the teams are fixed from then on). */
export function syncTeams(model: DraftModel, league: League): DraftTeam[] {
  if (model.status !== "waiting") return [];
  const added: DraftTeam[] = [];
  for (const t of league.teams) {
    if (model.teams.some((m) => m.teamId === t.teamId)) continue;
    const team = { teamId: t.teamId, name: t.name, managerId: t.managerId, autopick: false, queue: [] };
    model.teams.push(team);
    added.push(team);
  }
  return added;
}

export function isCommissioner(model: DraftModel, actor: Actor): boolean {
  return model.commissionerId === actor.playerId;
}

export function teamOf(model: DraftModel, playerId: string): DraftTeam | undefined {
  return model.teams.find((t) => t.managerId === playerId);
}

export function totalPicks(model: DraftModel): number {
  return model.teams.length * model.rules.rounds;
}

/** The slot on the clock (running or paused), else undefined. */
export function onTheClock(model: DraftModel): PickSlot | undefined {
  if (model.status !== "running" && model.status !== "paused") return undefined;
  return slotOf(model.order, model.picks.length + 1, model.rules);
}

export function takenPlayers(model: DraftModel): Set<string> {
  return new Set(model.picks.map((p) => p.playerId));
}

/** The league's default rankings: rated pool players, best first. */
export function rankings(model: DraftModel): string[] {
  return model.pool.filter((p) => p.rank > 0).sort((a, b) => a.rank - b.rank).map((p) => p.playerId);
}

export function rostersOf(model: DraftModel): { teamId: string; name: string; playerIds: string[] }[] {
  return model.teams.map((t) => ({ teamId: t.teamId, name: t.name, playerIds: model.picks.filter((p) => p.teamId === t.teamId).map((p) => p.playerId) }));
}

export function assertCommissioner(model: DraftModel, actor: Actor, what: string): void {
  if (!isCommissioner(model, actor)) throw draftRefusal("COMMISSIONER_ONLY", `Only the commissioner may ${what}`);
}

export function teamName(model: DraftModel, teamId: string): string {
  return model.teams.find((t) => t.teamId === teamId)?.name ?? teamId;
}

/** The full clock now: the pick clock, or in an auction the bid clock while a lot is open, else the nomination clock. */
export function clockSeconds(model: DraftModel): number {
  const auction = model.auction;
  if (!auction) return model.rules.pickSeconds;
  return auction.lot ? auction.bidSeconds : auction.nominationSeconds;
}

export function resetClock(model: DraftModel, now: number): void {
  const full = clockSeconds(model) * 1000;
  model.clock = model.status === "running" ? { deadline: now + full, remainingMs: full } : { deadline: 0, remainingMs: full };
}

/** Milliseconds left on the clock at `now`. */
export function remainingMs(model: DraftModel, now: number): number {
  if (model.status === "running") return Math.max(0, model.clock.deadline - now);
  return model.status === "paused" ? model.clock.remainingMs : 0;
}

export function playerName(model: DraftModel, playerId: string): string {
  return model.pool.find((p) => p.playerId === playerId)?.name ?? playerId;
}
