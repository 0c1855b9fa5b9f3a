import type { AbsentReason, DraftModel } from "./model.ts";

/**
 * Absent managers. A team is absent (on autopick until its manager comes
 * back) after it misses a clock (`missed-clock` policy; see `tick`) or once
 * its manager has been disconnected for `absentGraceSeconds` during the draft
 * (`disconnect-grace`). An absent team on the clock is picked for at once.
 * A manager comes back by (re)joining the room or sending any message to it.
 */

/** Marks the team absent; answers whether that changed anything. */
export function markAbsent(model: DraftModel, teamId: string, reason: AbsentReason): boolean {
  const team = model.teams.find((t) => t.teamId === teamId);
  if (!team || team.absent || model.status === "complete") return false;
  team.absent = reason;
  return true;
}

/** The manager came back: the team leaves autopick (its own autopick mode stays as the manager set it). */
export function markBack(model: DraftModel, teamId: string): boolean {
  const team = model.teams.find((t) => t.teamId === teamId);
  if (!team?.absent) return false;
  delete team.absent;
  return true;
}

/**
 * `disconnect-grace`: marks absent every team whose manager has been
 * disconnected since `disconnectedSince[teamId]` (epoch ms) for the grace or
 * longer, while the draft is running or paused. Answers the teams marked.
 */
export function absentAfterDisconnect(model: DraftModel, disconnectedSince: ReadonlyMap<string, number>, now: number): string[] {
  if (model.rules.absentPolicy !== "disconnect-grace") return [];
  if (model.status !== "running" && model.status !== "paused") return [];
  const marked: string[] = [];
  for (const [teamId, since] of disconnectedSince) {
    if (now - since >= model.rules.absentGraceSeconds * 1000 && markAbsent(model, teamId, "disconnected")) marked.push(teamId);
  }
  return marked;
}
