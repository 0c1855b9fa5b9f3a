import { draftRefusal } from "../../draft/refusals.ts";
import type { AutopickSource, DraftPickBy, DraftStatus } from "../../draft/state.ts";
import type { AbsentPolicy, DraftOrderMode, League, Position, QuietHours, RosterSlot, RosterSlots } from "../../fantasy-leagues.ts";
import { createAuction, type AuctionModel } from "./auction-model.ts";
import { slotOf, type OrderRules, type PickSlot } from "./order.ts";
import type { DraftTrade } from "./trades.ts";

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
  /** Set while the team is on autopick because its manager is absent (absent.ts). */
  absent?: AbsentReason;
  /** Soft timer: the team's clock ran out on its current pick (cleared by its next pick). */
  late?: boolean;
}

/** Why a team is absent: it missed a clock (`missed-clock` policy) or stayed disconnected past the grace (`disconnect-grace`). */
export type AbsentReason = "missed-clock" | "disconnected";

/** A player a team keeps from last season: it costs the team's own pick in `round`. */
export interface Keeper {
  teamId: string;
  playerId: string;
  round: number;
}

export interface PoolPlayer {
  playerId: string;
  name: string;
  /** 0: unrated. */
  rating: number;
  /** 1-based rank in the default rankings; 0: unranked. */
  rank: number;
  /** Absent: fills only BENCH slots (when the league has roster slots). */
  position?: Position;
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
  /** The team whose draft position the pick slot came from (differs from `teamId` for a traded pick). */
  originalTeamId?: string;
  /** The roster slot the player fills (leagues with roster slots). */
  slot?: RosterSlot;
  /** Auction drafts: what the team paid for the player. */
  price?: number;
}

export interface DraftRules extends OrderRules {
  pickSeconds: number;
  orderMode: DraftOrderMode;
  absentPolicy: AbsentPolicy;
  absentGraceSeconds: number;
  softTimer: boolean;
  rosterSlots?: RosterSlots;
  quietHours?: QuietHours;
  /** Epoch ms: the draft starts itself then. */
  startAt?: number;
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
  keepers: Keeper[];
  /** Current owner of each traded pick slot, by `slotKey(round, originalTeamId)`; untraded slots belong to their team. */
  pickOwners: Record<string, string>;
  trades: DraftTrade[];
  tradeSeq: number;
  /** True while quiet hours stop the running clock (`clock.remainingMs` is then frozen). */
  quiet: boolean;
  /** A scheduled start was tried and refused (not retried; the commissioner may start by hand). */
  scheduleFailed?: boolean;
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
      absentPolicy: league.absentPolicy ?? "missed-clock",
      absentGraceSeconds: league.absentGraceSeconds ?? 60,
      softTimer: league.softTimer ?? false,
      ...(league.rosterSlots ? { rosterSlots: league.rosterSlots } : {}),
      ...(league.quietHours ? { quietHours: league.quietHours } : {}),
      ...(league.startAt ? { startAt: Date.parse(league.startAt) } : {}),
    },
    status: "waiting",
    teams: league.teams.map((t) => ({ teamId: t.teamId, name: t.name, managerId: t.managerId, autopick: false, queue: [] })),
    order: [],
    pool,
    picks: [],
    clock: { deadline: 0, remainingMs: league.pickSeconds * 1000 },
    pickKeys: {},
    rostersSaved: false,
    keepers: [],
    pickOwners: {},
    trades: [],
    tradeSeq: 0,
    quiet: false,
    ...(league.draftType === "auction" ? { auction: createAuction(league) } : {}),
  };
}

/** A snapshot written before keepers, trades, absence and quiet hours existed reads with their defaults. */
export function withModelDefaults(model: DraftModel): DraftModel {
  model.keepers ??= [];
  model.pickOwners ??= {};
  model.trades ??= [];
  model.tradeSeq ??= 0;
  model.quiet ??= false;
  model.rules.absentPolicy ??= "missed-clock";
  model.rules.absentGraceSeconds ??= 60;
  model.rules.softTimer ??= false;
  return model;
}

/** The key of a pick slot: its round and the team whose draft position it is. */
export function slotKey(round: number, originalTeamId: string): string {
  return `${round}:${originalTeamId}`;
}

/** The team that owns pick slot (round, original team) now (trades move slots). */
export function slotOwner(model: DraftModel, round: number, originalTeamId: string): string {
  return model.pickOwners[slotKey(round, originalTeamId)] ?? originalTeamId;
}

/** The pick made with slot (round, original team), if any. */
export function pickInSlot(model: DraftModel, round: number, originalTeamId: string): DraftPick | undefined {
  return model.picks.find((p) => p.round === round && (p.originalTeamId ?? p.teamId) === originalTeamId);
}

/** A pick slot on the clock: `teamId` is its current owner, `originalTeamId` the draft position it came from. */
export interface OwnedSlot extends PickSlot {
  originalTeamId: string;
}

/** Adds teams that joined the league since (only before the start: the teams are fixed from then on). */
export function syncTeams(model: DraftModel, league: League): DraftTeam[] {
  if (model.status !== "waiting") return [];
  const added: DraftTeam[] = [];
  for (const t of league.teams) {
    if (model.teams.some((m) => m.teamId === t.teamId)) continue;
    const team: DraftTeam = { teamId: t.teamId, name: t.name, managerId: t.managerId, autopick: false, queue: [] };
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

/** The slot on the clock (running or paused), with its current owner, else undefined. */
export function onTheClock(model: DraftModel): OwnedSlot | undefined {
  if (model.status !== "running" && model.status !== "paused") return undefined;
  const slot = slotOf(model.order, model.picks.length + 1, model.rules);
  return slot && { ...slot, originalTeamId: slot.teamId, teamId: slotOwner(model, slot.round, slot.teamId) };
}

/** Players no longer available: drafted, or kept by a team. */
export function takenPlayers(model: DraftModel): Set<string> {
  return new Set([...model.picks.map((p) => p.playerId), ...model.keepers.map((k) => k.playerId)]);
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

/** A full clock for the team on the clock; frozen (no deadline) unless running outside quiet hours. */
export function resetClock(model: DraftModel, now: number): void {
  const full = clockSeconds(model) * 1000;
  model.clock = model.status === "running" && !model.quiet ? { deadline: now + full, remainingMs: full } : { deadline: 0, remainingMs: full };
}

/** Milliseconds left on the clock at `now`. */
export function remainingMs(model: DraftModel, now: number): number {
  if (model.status === "running" && model.quiet) return model.clock.remainingMs;
  if (model.status === "running") return Math.max(0, model.clock.deadline - now);
  return model.status === "paused" ? model.clock.remainingMs : 0;
}

export function playerName(model: DraftModel, playerId: string): string {
  return model.pool.find((p) => p.playerId === playerId)?.name ?? playerId;
}
