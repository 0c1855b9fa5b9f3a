import { draftRefusal, type AutopickSource, type DraftOrderMode, type DraftPickBy, type DraftStatus, type League } from "../../shared/index.ts";
import { chooseAutopick } from "./autopick.ts";
import { shuffleOrder, slotOf, type OrderRules, type PickSlot } from "./order.ts";

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

function assertCommissioner(model: DraftModel, actor: Actor, what: string): void {
  if (!isCommissioner(model, actor)) throw draftRefusal("COMMISSIONER_ONLY", `Only the commissioner may ${what}`);
}

function teamName(model: DraftModel, teamId: string): string {
  return model.teams.find((t) => t.teamId === teamId)?.name ?? teamId;
}

/** Commissioner, before the start, `manual` leagues: round 1's order. */
export function setOrder(model: DraftModel, actor: Actor, teamIds: string[]): void {
  assertCommissioner(model, actor, "set the draft order");
  if (model.status !== "waiting") throw draftRefusal("ALREADY_STARTED", "The draft has started; its order is fixed");
  if (model.rules.orderMode === "random") throw draftRefusal("ORDER_IS_RANDOM", "This league draws its order at random when the draft starts");
  const known = new Set(model.teams.map((t) => t.teamId));
  const given = new Set(teamIds);
  if (given.size !== teamIds.length || given.size !== known.size || teamIds.some((id) => !known.has(id))) {
    throw draftRefusal("BAD_ORDER", `The order must list each of the ${known.size} teams (${[...known].join(", ")}) exactly once`, { teamIds: [...known] });
  }
  model.order = [...teamIds];
}

/** The checks `start` makes before the room closes the league to joins. */
export function assertCanStart(model: DraftModel, actor: Actor, teamCount = model.teams.length): void {
  assertCommissioner(model, actor, "start the draft");
  if (model.status !== "waiting") throw draftRefusal("ALREADY_STARTED", `The draft is already ${model.status}`);
  if (teamCount < 2) throw draftRefusal("NOT_ENOUGH_TEAMS", `The league has ${teamCount} team(s); a draft needs at least 2`);
  const needed = teamCount * model.rules.rounds;
  if (model.pool.length < needed) {
    throw draftRefusal("NOT_ENOUGH_PLAYERS", `The pool has ${model.pool.length} players; ${teamCount} teams × ${model.rules.rounds} rounds need ${needed}`, {
      pool: model.pool.length,
      needed,
    });
  }
}

/**
 * Starts the draft with the league's final teams: the order is drawn
 * (`random`), or the commissioner's (`manual`; the join order if none was
 * set, with any team that joined since appended). The first clock starts.
 */
export function startDraft(model: DraftModel, actor: Actor, league: League, now: number, random: () => number = Math.random): void {
  syncTeams(model, league);
  assertCanStart(model, actor);
  const teamIds = model.teams.map((t) => t.teamId);
  if (model.rules.orderMode === "random") model.order = shuffleOrder(teamIds, random);
  else model.order = [...model.order.filter((id) => teamIds.includes(id)), ...teamIds.filter((id) => !model.order.includes(id))];
  model.status = "running";
  resetClock(model, now);
}

function resetClock(model: DraftModel, now: number): void {
  const full = model.rules.pickSeconds * 1000;
  model.clock = model.status === "running" ? { deadline: now + full, remainingMs: full } : { deadline: 0, remainingMs: full };
}

/** Milliseconds left on the clock at `now`. */
export function remainingMs(model: DraftModel, now: number): number {
  if (model.status === "running") return Math.max(0, model.clock.deadline - now);
  return model.status === "paused" ? model.clock.remainingMs : 0;
}

export interface PickRequest {
  playerId: string;
  /** For the commissioner: the team to pick for (must be on the clock). */
  teamId?: string;
  /** The client's idempotency key for this attempt. */
  pickId?: string;
}

export interface PickOutcome {
  pick: DraftPick;
  /** A retry of a pick id that already picked: nothing changed. */
  replayed: boolean;
  /** The pick was undone since (only for replays). */
  undone: boolean;
}

/**
 * A manager's (or the commissioner's) pick. Checks, in order: a retried pick
 * id (answers the first outcome), the draft's status, whose team, the
 * roster limit, whose turn, the pool, availability.
 */
export function makePick(model: DraftModel, actor: Actor, request: PickRequest, now: number): PickOutcome {
  const key = request.pickId === undefined ? undefined : `${actor.playerId}:${request.pickId}`;
  const earlier = key === undefined ? undefined : model.pickKeys[key];
  if (earlier) {
    if (earlier.playerId !== request.playerId) {
      throw draftRefusal("PICK_ID_REUSED", `Pick id ${request.pickId} already picked ${earlier.playerId} (pick ${earlier.number}); send a new id for a new pick`, { pickId: request.pickId });
    }
    return { pick: earlier, replayed: true, undone: !model.picks.some((p) => p.key === key) };
  }
  const commissioner = isCommissioner(model, actor);
  // The commissioner may fix picks while the draft is paused (e.g. redo an undone pick); managers wait.
  assertPicking(model, commissioner);
  const own = teamOf(model, actor.playerId);
  let teamId = request.teamId ?? own?.teamId;
  if (request.teamId !== undefined) {
    if (!model.teams.some((t) => t.teamId === request.teamId)) throw draftRefusal("UNKNOWN_TEAM", `No team ${request.teamId} in this league`);
    if (!commissioner && request.teamId !== own?.teamId) throw draftRefusal("COMMISSIONER_ONLY", "Only the commissioner may pick for another team");
  }
  if (teamId === undefined) {
    if (!commissioner) throw draftRefusal("NOT_A_MANAGER", "You have no team in this league");
    teamId = onTheClock(model)!.teamId;
  }
  const by: DraftPickBy = commissioner && own?.teamId !== teamId ? "commissioner" : "manager";
  const pick = applyPick(model, teamId, request.playerId, by, undefined, now, key);
  return { pick, replayed: false, undone: false };
}

function assertPicking(model: DraftModel, pausedOk = false): void {
  if (model.status === "waiting") throw draftRefusal("NOT_STARTED", "The commissioner has not started the draft yet");
  if (model.status === "paused" && !pausedOk) throw draftRefusal("PAUSED", "The draft is paused; picks resume when the commissioner resumes it");
  if (model.status === "complete") throw draftRefusal("COMPLETE", "The draft is complete");
}

function applyPick(model: DraftModel, teamId: string, playerId: string, by: DraftPickBy, source: AutopickSource | undefined, now: number, key?: string): DraftPick {
  const owned = model.picks.filter((p) => p.teamId === teamId).length;
  if (owned >= model.rules.rounds) {
    throw draftRefusal("ROSTER_FULL", `${teamName(model, teamId)} already has ${owned} of ${model.rules.rounds} players`, { teamId });
  }
  const slot = onTheClock(model)!;
  if (slot.teamId !== teamId) {
    throw draftRefusal("NOT_YOUR_TURN", `It is ${teamName(model, slot.teamId)}'s turn (pick ${slot.number}, round ${slot.round})`, { onClock: slot.teamId, pickNumber: slot.number });
  }
  if (!model.pool.some((p) => p.playerId === playerId)) throw draftRefusal("NOT_IN_POOL", `Player ${playerId} is not in this draft's pool`, { playerId });
  const taken = model.picks.find((p) => p.playerId === playerId);
  if (taken) {
    throw draftRefusal("PLAYER_TAKEN", `${playerName(model, playerId)} went to ${teamName(model, taken.teamId)} at pick ${taken.number}`, { playerId, pickNumber: taken.number });
  }
  const pick: DraftPick = { number: slot.number, round: slot.round, teamId, playerId, by, at: now };
  if (source) pick.source = source;
  if (key) pick.key = key;
  model.picks.push(pick);
  if (key) model.pickKeys[key] = pick;
  for (const team of model.teams) team.queue = team.queue.filter((id) => id !== playerId);
  if (model.picks.length >= totalPicks(model)) {
    model.status = "complete";
    model.clock = { deadline: 0, remainingMs: 0 };
  } else {
    resetClock(model, now);
  }
  return pick;
}

export function playerName(model: DraftModel, playerId: string): string {
  return model.pool.find((p) => p.playerId === playerId)?.name ?? playerId;
}

/** Autopicks for the team on the clock (queue → rankings → best available). Undefined if nobody is left. */
export function autopick(model: DraftModel, now: number): DraftPick | undefined {
  assertPicking(model);
  const slot = onTheClock(model)!;
  const team = model.teams.find((t) => t.teamId === slot.teamId)!;
  const choice = chooseAutopick({ queue: team.queue, rankings: rankings(model), pool: model.pool.map((p) => p.playerId), taken: takenPlayers(model) });
  if (!choice) return undefined;
  return applyPick(model, team.teamId, choice.playerId, "autopick", choice.source, now);
}

/**
 * The clock: while running, a team in autopick mode picks at once, and a
 * team whose clock ran out (connected or not) is autopicked. Answers the
 * picks made.
 */
export function tick(model: DraftModel, now: number): DraftPick[] {
  const made: DraftPick[] = [];
  while (model.status === "running") {
    const slot = onTheClock(model)!;
    const team = model.teams.find((t) => t.teamId === slot.teamId)!;
    if (!team.autopick && now < model.clock.deadline) break;
    const pick = autopick(model, now);
    if (!pick) break;
    made.push(pick);
  }
  return made;
}

export function pauseDraft(model: DraftModel, actor: Actor, now: number): void {
  assertCommissioner(model, actor, "pause the draft");
  if (model.status !== "running") throw draftRefusal(model.status === "paused" ? "PAUSED" : model.status === "complete" ? "COMPLETE" : "NOT_STARTED", `The draft is ${model.status}`);
  model.clock = { deadline: 0, remainingMs: Math.max(0, model.clock.deadline - now) };
  model.status = "paused";
}

/** Resumes with the FULL pick time for the team on the clock (the pause may have been about them). */
export function resumeDraft(model: DraftModel, actor: Actor, now: number): void {
  assertCommissioner(model, actor, "resume the draft");
  if (model.status !== "paused") throw draftRefusal(model.status === "complete" ? "COMPLETE" : "NOT_PAUSED", `The draft is ${model.status}, not paused`);
  model.status = "running";
  resetClock(model, now);
}

/**
 * Commissioner: undoes pick `pickNumber` (default: the last) and every later
 * pick; the clock restarts in full for the team now on the clock (a paused
 * draft stays paused). Not after completion: rosters are final then.
 */
export function undoPicks(model: DraftModel, actor: Actor, pickNumber: number | undefined, now: number): DraftPick[] {
  assertCommissioner(model, actor, "undo picks");
  if (model.status === "complete") throw draftRefusal("COMPLETE", "The draft is complete; rosters are final");
  if (model.status === "waiting") throw draftRefusal("NOT_STARTED", "The draft has not started");
  const from = pickNumber ?? model.picks.length;
  if (from < 1 || from > model.picks.length) {
    throw draftRefusal("NOTHING_TO_UNDO", model.picks.length === 0 ? "No pick has been made yet" : `Picks run from 1 to ${model.picks.length}`, { picks: model.picks.length });
  }
  const undone = model.picks.splice(from - 1);
  resetClock(model, now);
  return undone;
}

/** Replaces a manager's queue. Drafted players are dropped; players outside the pool are refused. */
export function setQueue(model: DraftModel, actor: Actor, playerIds: string[]): string[] {
  const team = teamOf(model, actor.playerId);
  if (!team) throw draftRefusal("NOT_A_MANAGER", "You have no team in this league, so no queue");
  if (model.status === "complete") throw draftRefusal("COMPLETE", "The draft is complete");
  const pool = new Set(model.pool.map((p) => p.playerId));
  const unknown = playerIds.find((id) => !pool.has(id));
  if (unknown !== undefined) throw draftRefusal("NOT_IN_POOL", `Player ${unknown} is not in this draft's pool`, { playerId: unknown });
  const taken = takenPlayers(model);
  team.queue = playerIds.filter((id) => !taken.has(id));
  return team.queue;
}

/** Autopick mode for the caller's team; the commissioner may set any team's. */
export function setAutopick(model: DraftModel, actor: Actor, enabled: boolean, teamId?: string): DraftTeam {
  const own = teamOf(model, actor.playerId);
  let team = own;
  if (teamId !== undefined && teamId !== own?.teamId) {
    if (!isCommissioner(model, actor)) throw draftRefusal("COMMISSIONER_ONLY", "Only the commissioner may set another team's autopick");
    team = model.teams.find((t) => t.teamId === teamId);
    if (!team) throw draftRefusal("UNKNOWN_TEAM", `No team ${teamId} in this league`);
  }
  if (!team) throw draftRefusal("NOT_A_MANAGER", "You have no team in this league");
  if (model.status === "complete") throw draftRefusal("COMPLETE", "The draft is complete");
  team.autopick = enabled;
  return team;
}

/**
 * After a restart: a running draft gives the team on the clock a full clock
 * (the downtime must not eat it); a paused one keeps its frozen time.
 */
export function restoreDraft(model: DraftModel, now: number): void {
  if (model.status === "running") resetClock(model, now);
}
