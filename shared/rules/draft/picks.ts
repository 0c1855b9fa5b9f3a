import { draftRefusal } from "../../draft/refusals.ts";
import type { AutopickSource, DraftPickBy } from "../../draft/state.ts";
import { markAbsent } from "./absent.ts";
import { chooseAutopick } from "./autopick.ts";
import { keeperInSlot, keeperPick } from "./keepers.ts";
import { isCommissioner, onTheClock, playerName, rankings, resetClock, takenPlayers, teamName, teamOf, totalPicks, type AbsentReason, type Actor, type DraftModel, type DraftPick } from "./model.ts";
import { updateQuietHours } from "./schedule.ts";
import { assignSlot, fitOf, positionOf } from "./slots.ts";

/** Picks: a manager's or the commissioner's, autopicks, and the clock that makes them. */

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
  if (model.auction) throw draftRefusal("AUCTION_DRAFT", "This is an auction draft: nominate players and bid on them (auction.nominate, auction.bid)");
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
  const kept = model.keepers.find((k) => k.playerId === playerId);
  if (kept) throw draftRefusal("PLAYER_TAKEN", `${playerName(model, playerId)} is kept by ${teamName(model, kept.teamId)} (round ${kept.round})`, { playerId });
  const rosterSlot = assignSlot(model, teamId, playerId);
  if (model.rules.rosterSlots && !rosterSlot) {
    const position = positionOf(model, playerId);
    throw draftRefusal("NO_OPEN_SLOT", `${teamName(model, teamId)} has no open ${position ?? "unpositioned"} or BENCH slot for ${playerName(model, playerId)}`, { playerId, position: position ?? null });
  }
  const pick: DraftPick = { number: slot.number, round: slot.round, teamId, playerId, by, at: now, originalTeamId: slot.originalTeamId };
  if (rosterSlot) pick.slot = rosterSlot;
  if (source) pick.source = source;
  if (key) pick.key = key;
  model.picks.push(pick);
  if (key) model.pickKeys[key] = pick;
  for (const team of model.teams) team.queue = team.queue.filter((id) => id !== playerId);
  const team = model.teams.find((t) => t.teamId === teamId);
  if (team) delete team.late;
  advance(model, now);
  return pick;
}

/**
 * After the pick on the clock changed: keepers whose slot comes up are
 * drafted at once, then the draft completes or the next clock starts.
 */
export function advance(model: DraftModel, now: number): DraftPick[] {
  const made: DraftPick[] = [];
  for (;;) {
    if (model.picks.length >= totalPicks(model)) {
      model.status = "complete";
      model.clock = { deadline: 0, remainingMs: 0 };
      return made;
    }
    const slot = onTheClock(model);
    const keeper = slot && keeperInSlot(model, slot.round, slot.originalTeamId);
    if (!slot || !keeper) break;
    const pick = keeperPick(model, keeper, slot.number, now);
    model.picks.push(pick);
    made.push(pick);
  }
  resetClock(model, now);
  return made;
}

/** Autopicks for the team on the clock: needs first (queue → rankings → best available, for an open starting slot), then the bench. Undefined if nobody fits. */
export function autopick(model: DraftModel, now: number): DraftPick | undefined {
  assertPicking(model);
  const slot = onTheClock(model)!;
  const team = model.teams.find((t) => t.teamId === slot.teamId)!;
  const choice = chooseAutopick({
    queue: team.queue,
    rankings: rankings(model),
    pool: model.pool.map((p) => p.playerId),
    taken: takenPlayers(model),
    ...(model.rules.rosterSlots ? { fits: (playerId: string) => fitOf(model, team.teamId, playerId) } : {}),
  });
  if (!choice) return undefined;
  return applyPick(model, team.teamId, choice.playerId, "autopick", choice.source, now);
}

/** What the clock did besides picking, for the room to announce. */
export type ClockNotice =
  | { type: "absent"; teamId: string; reason: AbsentReason }
  | { type: "late"; teamId: string; pickNumber: number }
  | { type: "quiet"; quiet: boolean };

/**
 * The clock: while running (outside quiet hours), a team in autopick mode or
 * absent picks at once; a team whose clock ran out is autopicked (and, with
 * the `missed-clock` policy, marked absent), or with a soft timer only
 * flagged late. Answers the picks made (keepers included); `notices`
 * collects the rest.
 */
export function tick(model: DraftModel, now: number, notices: ClockNotice[] = []): DraftPick[] {
  const made: DraftPick[] = [];
  const quiet = updateQuietHours(model, now);
  if (quiet) notices.push({ type: "quiet", quiet: quiet === "began" });
  if (model.auction) return made; // an auction's clock is auctionTick (auction.ts)
  while (model.status === "running" && !model.quiet) {
    const slot = onTheClock(model)!;
    const team = model.teams.find((t) => t.teamId === slot.teamId)!;
    const automatic = team.autopick || team.absent !== undefined;
    if (!automatic && now < model.clock.deadline) break;
    if (!automatic && model.rules.softTimer) {
      if (!team.late) {
        team.late = true;
        notices.push({ type: "late", teamId: team.teamId, pickNumber: slot.number });
      }
      break;
    }
    if (!automatic && model.rules.absentPolicy === "missed-clock" && markAbsent(model, team.teamId, "missed-clock")) {
      notices.push({ type: "absent", teamId: team.teamId, reason: "missed-clock" });
    }
    const before = model.picks.length;
    if (!autopick(model, now)) break;
    made.push(...model.picks.slice(before));
  }
  return made;
}
