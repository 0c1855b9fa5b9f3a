import { draftRefusal } from "../../draft/refusals.ts";
import type { League } from "../../fantasy-leagues.ts";
import { openNominations } from "./auction.ts";
import { shuffleOrder } from "./order.ts";
import { advance } from "./picks.ts";
import { assertCommissioner, isCommissioner, remainingMs, resetClock, syncTeams, withModelDefaults, takenPlayers, teamOf, type Actor, type DraftModel, type DraftPick, type DraftTeam } from "./model.ts";

/** The commissioner's and managers' draft commands other than picks (picks.ts). Each throws `draftRefusal(...)` without changing anything when a rule says no. */

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
  model.quiet = false;
  if (model.auction) {
    resetClock(model, now);
    openNominations(model, now);
  } else advance(model, now);
}

export function pauseDraft(model: DraftModel, actor: Actor, now: number): void {
  assertCommissioner(model, actor, "pause the draft");
  if (model.status !== "running") throw draftRefusal(model.status === "paused" ? "PAUSED" : model.status === "complete" ? "COMPLETE" : "NOT_STARTED", `The draft is ${model.status}`);
  model.clock = { deadline: 0, remainingMs: remainingMs(model, now) };
  model.status = "paused";
}

/** Resumes with the FULL clock for the team on the clock (the pause may have been about them); in an auction, the full bid clock of the open lot, else the nomination clock. */
export function resumeDraft(model: DraftModel, actor: Actor, now: number): void {
  assertCommissioner(model, actor, "resume the draft");
  if (model.status !== "paused") throw draftRefusal(model.status === "complete" ? "COMPLETE" : "NOT_PAUSED", `The draft is ${model.status}, not paused`);
  model.status = "running";
  resetClock(model, now); // quiet hours still stop it (the next tick restarts it once they are over)
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
  if (model.auction) throw draftRefusal("AUCTION_DRAFT", "Undo is not offered in auction drafts: a won lot has moved a budget and the nomination turn; pause the draft instead");
  const from = pickNumber ?? model.picks.length;
  if (from < 1 || from > model.picks.length) {
    throw draftRefusal("NOTHING_TO_UNDO", model.picks.length === 0 ? "No pick has been made yet" : `Picks run from 1 to ${model.picks.length}`, { picks: model.picks.length });
  }
  const undone = model.picks.splice(from - 1);
  advance(model, now); // keepers whose slot is on the clock again are drafted again at once
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
  withModelDefaults(model);
  if (model.status === "running") resetClock(model, now);
}
