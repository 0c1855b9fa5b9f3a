import type { Position, RosterSlot, RosterSlots } from "../../fantasy-leagues.ts";
import type { DraftModel } from "./model.ts";

/**
 * Roster positions (leagues with `rosterSlots`): a player fills their
 * position's starting slot while one is open, else a `BENCH` slot (which
 * takes any player). A pool player without a position fills only `BENCH`.
 * A team's keepers still to come hold their slots from the start, so picks
 * never take the slot a keeper needs.
 */

export type SlotCounts = Partial<Record<RosterSlot, number>>;

/** The slot a player of `position` goes to, given what is filled; undefined when none is open. */
export function slotFor(slots: RosterSlots, filled: SlotCounts, position: Position | undefined): RosterSlot | undefined {
  if (position && (slots[position] ?? 0) > (filled[position] ?? 0)) return position;
  if ((slots.BENCH ?? 0) > (filled.BENCH ?? 0)) return "BENCH";
  return undefined;
}

export function positionOf(model: DraftModel, playerId: string): Position | undefined {
  return model.pool.find((p) => p.playerId === playerId)?.position;
}

/**
 * The slots a team has filled: its picks, plus its keepers whose slot has not
 * come up yet (`except`: a keeper round left out, for placing that keeper).
 */
export function filledSlots(model: DraftModel, teamId: string, except?: { round: number }): SlotCounts {
  const filled: SlotCounts = {};
  const add = (slot: RosterSlot | undefined) => {
    if (slot) filled[slot] = (filled[slot] ?? 0) + 1;
  };
  for (const pick of model.picks) if (pick.teamId === teamId) add(pick.slot);
  const slots = model.rules.rosterSlots;
  if (!slots) return filled;
  const pending = model.keepers
    .filter((k) => k.teamId === teamId && k.round !== except?.round && !model.picks.some((p) => p.playerId === k.playerId))
    .sort((a, b) => a.round - b.round);
  for (const keeper of pending) add(slotFor(slots, filled, positionOf(model, keeper.playerId)));
  return filled;
}

/**
 * Where `playerId` would go on `teamId`'s roster: `starter` (their position's
 * slot), `bench`, or undefined (no open slot). Always `starter` in a league
 * without roster slots.
 */
export function fitOf(model: DraftModel, teamId: string, playerId: string, except?: { round: number }): "starter" | "bench" | undefined {
  const slots = model.rules.rosterSlots;
  if (!slots) return "starter";
  const slot = slotFor(slots, filledSlots(model, teamId, except), positionOf(model, playerId));
  return slot === undefined ? undefined : slot === "BENCH" ? "bench" : "starter";
}

/** The slot a pick of `playerId` by `teamId` fills, or undefined without roster slots. */
export function assignSlot(model: DraftModel, teamId: string, playerId: string, except?: { round: number }): RosterSlot | undefined {
  const slots = model.rules.rosterSlots;
  return slots && slotFor(slots, filledSlots(model, teamId, except), positionOf(model, playerId));
}
