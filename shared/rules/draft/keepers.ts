import { draftRefusal } from "../../draft/refusals.ts";
import { assertCommissioner, pickInSlot, playerName, slotOwner, teamName, type Actor, type DraftModel, type DraftPick, type Keeper } from "./model.ts";
import { assignSlot, fitOf } from "./slots.ts";

/**
 * Keepers: before the draft starts, the commissioner assigns players to
 * teams, each costing the team's own pick in a named round. The player
 * leaves the pool at once; when that pick slot comes up in the draft, the
 * keeper is drafted with it (`by: "keeper"`) without using the clock.
 */

/** Commissioner, `waiting`: keeps `playerId` for `teamId` at the cost of its round-`round` pick. Replaces the team's keeper of that round, if any. */
export function setKeeper(model: DraftModel, actor: Actor, keeper: Keeper): Keeper {
  assertCommissioner(model, actor, "set keepers");
  if (model.status !== "waiting") throw draftRefusal("ALREADY_STARTED", "Keepers are set before the draft starts");
  const team = model.teams.find((t) => t.teamId === keeper.teamId);
  if (!team) throw draftRefusal("UNKNOWN_TEAM", `No team ${keeper.teamId} in this league`);
  if (keeper.round < 1 || keeper.round > model.rules.rounds) {
    throw draftRefusal("BAD_KEEPER", `Round ${keeper.round} does not exist; the draft has rounds 1 to ${model.rules.rounds}`, { rounds: model.rules.rounds });
  }
  if (!model.pool.some((p) => p.playerId === keeper.playerId)) throw draftRefusal("NOT_IN_POOL", `Player ${keeper.playerId} is not in this draft's pool`, { playerId: keeper.playerId });
  const other = model.keepers.find((k) => k.playerId === keeper.playerId && !(k.teamId === keeper.teamId && k.round === keeper.round));
  if (other) throw draftRefusal("PLAYER_TAKEN", `${playerName(model, keeper.playerId)} is already kept by ${teamName(model, other.teamId)} (round ${other.round})`, { playerId: keeper.playerId });
  if (slotOwner(model, keeper.round, keeper.teamId) !== keeper.teamId) {
    throw draftRefusal("PICK_NOT_OWNED", `${team.name} traded its round ${keeper.round} pick away; a keeper costs the team's own pick`, { round: keeper.round });
  }
  const without = model.keepers.filter((k) => !(k.teamId === keeper.teamId && k.round === keeper.round));
  const trial = { ...model, keepers: without };
  if (fitOf(trial, keeper.teamId, keeper.playerId) === undefined) {
    throw draftRefusal("NO_OPEN_SLOT", `${team.name} has no open roster slot for ${playerName(model, keeper.playerId)} besides its other keepers`, { playerId: keeper.playerId });
  }
  model.keepers = [...without, { teamId: keeper.teamId, playerId: keeper.playerId, round: keeper.round }];
  return keeper;
}

/** Commissioner, `waiting`: the team's round-`round` pick is its own again. */
export function removeKeeper(model: DraftModel, actor: Actor, teamId: string, round: number): Keeper {
  assertCommissioner(model, actor, "remove keepers");
  if (model.status !== "waiting") throw draftRefusal("ALREADY_STARTED", "Keepers are set before the draft starts");
  const keeper = model.keepers.find((k) => k.teamId === teamId && k.round === round);
  if (!keeper) throw draftRefusal("UNKNOWN_KEEPER", `${teamName(model, teamId)} keeps nobody in round ${round}`);
  model.keepers = model.keepers.filter((k) => k !== keeper);
  return keeper;
}

/** The keeper that uses pick slot (round, original team), if any. */
export function keeperInSlot(model: DraftModel, round: number, originalTeamId: string): Keeper | undefined {
  return model.keepers.find((k) => k.round === round && k.teamId === originalTeamId);
}

/** The keeper pick for a slot that came up (no checks: the keeper was checked when set). */
export function keeperPick(model: DraftModel, keeper: Keeper, number: number, now: number): DraftPick {
  const pick: DraftPick = { number, round: keeper.round, teamId: keeper.teamId, playerId: keeper.playerId, by: "keeper", at: now, originalTeamId: keeper.teamId };
  const slot = assignSlot(model, keeper.teamId, keeper.playerId, { round: keeper.round });
  if (slot) pick.slot = slot;
  return pick;
}

/** Whether slot (round, original team) is spoken for: drafted already, or a keeper's. */
export function slotUsed(model: DraftModel, round: number, originalTeamId: string): "picked" | "keeper" | undefined {
  if (pickInSlot(model, round, originalTeamId)) return "picked";
  return keeperInSlot(model, round, originalTeamId) ? "keeper" : undefined;
}
