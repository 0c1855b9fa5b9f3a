import { AppError, fantasyStandingsBoardId, type DraftCompleteMessage, type DraftEvents, type DraftKeeperMessage, type DraftPickMessage, type DraftTradeMessage } from "../../shared/index.ts";
import { playerName, rostersOf, type DraftModel, type DraftPick, type DraftTrade, type Keeper } from "../../shared/rules/draft/index.ts";

export function tradeMessage(trade: DraftTrade): DraftTradeMessage {
  return { id: trade.id, fromTeamId: trade.fromTeamId, toTeamId: trade.toTeamId, give: trade.give, get: trade.get, status: trade.status };
}

export function keeperMessage(model: DraftModel, keeper: Keeper, removed: boolean): DraftKeeperMessage {
  return { teamId: keeper.teamId, playerId: keeper.playerId, playerName: playerName(model, keeper.playerId), round: keeper.round, removed };
}

/** A pick as the room announces it (`picked`, `pickResult`, `undone`). */
export function pickMessage(model: DraftModel, pick: DraftPick): DraftPickMessage {
  return {
    number: pick.number,
    round: pick.round,
    teamId: pick.teamId,
    playerId: pick.playerId,
    playerName: playerName(model, pick.playerId),
    by: pick.by,
    ...(pick.source ? { source: pick.source } : {}),
    ...(pick.price !== undefined ? { price: pick.price } : {}),
  };
}

/** The draft is complete: the rosters and the league's standings board. */
export function completeMessage(model: DraftModel): DraftCompleteMessage {
  return { leagueId: model.leagueId, standingsBoardId: fantasyStandingsBoardId(model.leagueId), rosters: rostersOf(model) };
}

/** Runs a pick; a refusal carries the client's pick id, so the client matches it to its attempt. */
export function withPickId<T>(pickId: string | undefined, pick: () => T): T {
  try {
    return pick();
  } catch (error) {
    if (error instanceof AppError) throw new AppError(error.code, error.message, { details: { ...(error.details as object), pickId } });
    throw error;
  }
}

/** The room's one way to send a room-wide event (its `#announce`: to everyone, after the next patch, and to the draft feed). */
export type Announce = <K extends keyof DraftEvents>(type: K, payload: DraftEvents[K]) => void;
