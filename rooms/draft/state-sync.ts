import type { ArraySchema } from "@colyseus/schema";
import { DraftPickState, DraftPlayerState, DraftSlotState, DraftTeamState, DraftTradeState, ROSTER_SLOT_NAMES, type DraftState } from "../../shared/index.ts";
import { onTheClock, remainingMs, slotKey, slotOwner, totalPicks, type DraftModel } from "../../shared/rules/draft/model.ts";
import { draftSlots } from "../../shared/rules/draft/order.ts";
import { budgetLeft, maxBid } from "../../shared/rules/draft/auction-values.ts";

/** Schema setters only send values that changed; still, skip no-op writes to keep patches minimal. */
function setIfChanged<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void {
  if (target[key] !== value) target[key] = value;
}

function syncStrings(target: ArraySchema<string>, values: readonly string[]): void {
  // Keep the common prefix; delete and append the rest (plain deletes and pushes: the simplest ops to encode).
  let same = 0;
  while (same < target.length && same < values.length && target[same] === values[same]) same++;
  if (target.length > same) target.splice(same, target.length - same);
  if (values.length > same) target.push(...values.slice(same));
}

/**
 * Mirrors the model into the synchronised state. Cheap enough to run after
 * every change (pools are hundreds of players). `connected` is runtime-only
 * and set by the room.
 */
export function syncDraftState(model: DraftModel, state: DraftState, now: number): void {
  setIfChanged(state, "leagueId", model.leagueId);
  setIfChanged(state, "leagueName", model.leagueName);
  setIfChanged(state, "commissionerId", model.commissionerId);
  setIfChanged(state, "status", model.status);
  setIfChanged(state, "draftType", model.rules.draftType);
  setIfChanged(state, "thirdRoundReversal", model.rules.thirdRoundReversal);
  setIfChanged(state, "orderMode", model.rules.orderMode);
  setIfChanged(state, "rounds", model.rules.rounds);
  setIfChanged(state, "pickSeconds", model.rules.pickSeconds);
  setIfChanged(state, "rostersSaved", model.rostersSaved);
  setIfChanged(state, "absentPolicy", model.rules.absentPolicy);
  setIfChanged(state, "absentGraceSeconds", model.rules.absentGraceSeconds);
  setIfChanged(state, "softTimer", model.rules.softTimer);
  setIfChanged(state, "startAt", model.rules.startAt ?? 0);
  const quiet = model.rules.quietHours;
  setIfChanged(state, "quietHours", quiet ? `${quiet.start}-${quiet.end} ${quiet.timeZone}` : "");
  setIfChanged(state, "quiet", model.quiet);
  for (const slot of ROSTER_SLOT_NAMES) {
    const count = model.rules.rosterSlots?.[slot];
    if (count === undefined) state.rosterSlots.delete(slot);
    else if (state.rosterSlots.get(slot) !== count) state.rosterSlots.set(slot, count);
  }
  syncAuction(model, state);
  syncStrings(state.order, model.order);
  setIfChanged(state, "totalPicks", model.status === "waiting" ? 0 : totalPicks(model));
  const slot = model.auction ? undefined : onTheClock(model);
  const live = model.status === "running" || model.status === "paused";
  setIfChanged(state, "currentPick", model.auction ? (live ? model.picks.length + 1 : 0) : (slot?.number ?? 0));
  setIfChanged(state, "currentRound", slot?.round ?? 0);
  setIfChanged(state, "onClock", model.auction ? (live ? model.auction.nominator : "") : (slot?.teamId ?? ""));
  setIfChanged(state, "deadlineAt", model.status === "running" ? model.clock.deadline : 0);
  syncClock(model, state, now);

  for (const team of model.teams) {
    let view = state.teams.get(team.teamId);
    if (!view) {
      view = new DraftTeamState();
      view.teamId = team.teamId;
      state.teams.set(team.teamId, view);
    }
    setIfChanged(view, "name", team.name);
    setIfChanged(view, "managerId", team.managerId);
    setIfChanged(view, "position", model.order.indexOf(team.teamId) + 1);
    setIfChanged(view, "autopick", team.autopick);
    setIfChanged(view, "absent", team.absent !== undefined);
    setIfChanged(view, "autopickReason", team.absent ?? (team.autopick ? "manager" : ""));
    setIfChanged(view, "late", team.late === true);
    syncStrings(view.roster, model.picks.filter((p) => p.teamId === team.teamId).map((p) => p.playerId));
    syncStrings(view.queue, team.queue);
    setIfChanged(view, "budgetLeft", model.auction ? budgetLeft(model, team.teamId) : 0);
    setIfChanged(view, "maxBid", model.auction ? maxBid(model, team.teamId) : 0);
  }

  const byPlayer = new Map(model.picks.map((p) => [p.playerId, p]));
  for (const player of model.pool) {
    let view = state.players.get(player.playerId);
    if (!view) {
      view = new DraftPlayerState();
      view.playerId = player.playerId;
      view.name = player.name;
      view.rating = player.rating;
      view.rank = player.rank;
      view.position = player.position ?? "";
      state.players.set(player.playerId, view);
    }
    setIfChanged(view, "keptBy", model.keepers.find((k) => k.playerId === player.playerId)?.teamId ?? "");
    const pick = byPlayer.get(player.playerId);
    setIfChanged(view, "draftedBy", pick?.teamId ?? "");
    setIfChanged(view, "pickNumber", pick?.number ?? 0);
  }

  // Picks only grow, except when undone: keep the common prefix, rewrite the rest.
  let same = 0;
  while (same < state.picks.length && same < model.picks.length && state.picks[same].number === model.picks[same].number && state.picks[same].playerId === model.picks[same].playerId) same++;
  if (state.picks.length > same) state.picks.splice(same, state.picks.length - same);
  for (const pick of model.picks.slice(same)) {
    const view = new DraftPickState();
    view.number = pick.number;
    view.round = pick.round;
    view.teamId = pick.teamId;
    view.playerId = pick.playerId;
    view.by = pick.by;
    view.source = pick.source ?? "";
    view.at = pick.at;
    view.originalTeamId = pick.originalTeamId ?? pick.teamId;
    view.slot = pick.slot ?? "";
    view.price = pick.price ?? 0;
    state.picks.push(view);
  }
  syncSlots(model, state);
  syncTrades(model, state);
}

/** Every pick slot (round × team) with its owner, number, keeper and pick. */
function syncSlots(model: DraftModel, state: DraftState): void {
  const numbers = new Map(model.order.length > 0 ? draftSlots(model.order, model.rules).map((s) => [slotKey(s.round, s.teamId), s.number]) : []);
  const picks = new Map(model.picks.map((p) => [slotKey(p.round, p.originalTeamId ?? p.teamId), p.playerId]));
  const keepers = new Map(model.keepers.map((k) => [slotKey(k.round, k.teamId), k.playerId]));
  for (const team of model.teams) {
    for (let round = 1; round <= model.rules.rounds; round++) {
      const key = slotKey(round, team.teamId);
      let view = state.slots.get(key);
      if (!view) {
        view = new DraftSlotState();
        view.round = round;
        view.originalTeamId = team.teamId;
        state.slots.set(key, view);
      }
      setIfChanged(view, "ownerTeamId", slotOwner(model, round, team.teamId));
      setIfChanged(view, "number", numbers.get(key) ?? 0);
      setIfChanged(view, "keeperId", keepers.get(key) ?? "");
      setIfChanged(view, "playerId", picks.get(key) ?? "");
    }
  }
}

function syncTrades(model: DraftModel, state: DraftState): void {
  model.trades.forEach((trade, index) => {
    let view = state.trades[index];
    if (!view) {
      view = new DraftTradeState();
      view.id = trade.id;
      view.fromTeamId = trade.fromTeamId;
      view.toTeamId = trade.toTeamId;
      view.give.push(...trade.give.map((r) => slotKey(r.round, r.teamId)));
      view.get.push(...trade.get.map((r) => slotKey(r.round, r.teamId)));
      state.trades.push(view);
    }
    setIfChanged(view, "status", trade.status);
  });
}

/** Auction drafts: the settings and the open lot (all zero in other drafts). */
function syncAuction(model: DraftModel, state: DraftState): void {
  const auction = model.auction;
  setIfChanged(state, "budget", auction?.budget ?? 0);
  setIfChanged(state, "nominationSeconds", auction?.nominationSeconds ?? 0);
  setIfChanged(state, "bidSeconds", auction?.bidSeconds ?? 0);
  const lot = auction?.lot;
  setIfChanged(state.lot, "number", lot?.number ?? 0);
  setIfChanged(state.lot, "playerId", lot?.playerId ?? "");
  setIfChanged(state.lot, "nominator", lot?.nominator ?? "");
  setIfChanged(state.lot, "highBid", lot?.highBid ?? 0);
  setIfChanged(state.lot, "highBidder", lot?.highBidder ?? "");
  setIfChanged(state.lot, "bids", lot?.bids ?? 0);
}

/** The clock field alone (the room refreshes it a few times a second). */
export function syncClock(model: DraftModel, state: DraftState, now: number): void {
  setIfChanged(state, "remainingMs", remainingMs(model, now));
}
