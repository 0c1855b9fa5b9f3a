import type { DraftBoard, DraftClock, DraftOrderMessage } from "../../shared/index.ts";
import { draftSlots, onTheClock, remainingMs, type DraftModel } from "../../shared/rules/draft/index.ts";
import { pickMessage } from "./messages.ts";

/** The clock as the draft stream shows it (`draft.clock`, the board's `clock`). */
export function draftClock(model: DraftModel, now: number): DraftClock {
  const slot = onTheClock(model);
  return {
    status: model.status,
    pickNumber: slot?.number ?? 0,
    round: slot?.round ?? 0,
    teamId: slot?.teamId ?? "",
    endsAt: model.status === "running" ? model.clock.deadline : null,
    remainingMs: model.status === "waiting" ? model.rules.pickSeconds * 1000 : remainingMs(model, now),
  };
}

/** What changes a `draft.clock` event: who is on the clock, its end, the status (never the ticking itself). */
export function clockKey(clock: DraftClock): string {
  return `${clock.status}|${clock.pickNumber}|${clock.teamId}|${clock.endsAt ?? ""}|${clock.endsAt === null ? clock.remainingMs : ""}`;
}

/** The board's teams, order and slots (the `draft.order` event). */
export function draftOrder(model: DraftModel): DraftOrderMessage {
  return {
    teams: model.teams.map((t) => ({ teamId: t.teamId, name: t.name, managerId: t.managerId, autopick: t.autopick })),
    order: [...model.order],
    slots: model.order.length > 0 ? draftSlots(model.order, model.rules).map((s) => ({ number: s.number, round: s.round, teamId: s.teamId })) : [],
  };
}

/** The draft board of the stream's `board` snapshot, from the room's model. */
export function draftBoard(model: DraftModel, now: number): DraftBoard {
  return {
    leagueId: model.leagueId,
    leagueName: model.leagueName,
    status: model.status,
    draftType: model.rules.draftType,
    rounds: model.rules.rounds,
    pickSeconds: model.rules.pickSeconds,
    ...draftOrder(model),
    picks: model.picks.map((p) => pickMessage(model, p)),
    clock: draftClock(model, now),
    ts: now,
  };
}
