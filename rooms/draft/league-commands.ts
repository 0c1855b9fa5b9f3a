import { DraftServerMessage, type DraftClientMessages, type DraftEvents } from "../../shared/index.ts";
import {
  acceptTrade,
  declineTrade,
  proposeTrade,
  removeKeeper,
  setKeeper,
  vetoTrade,
  type Actor,
  type DraftModel,
} from "../../shared/rules/draft/index.ts";
import type { z } from "zod";
import { keeperMessage, tradeMessage } from "./messages.ts";

/** One room-wide event: its type and payload (the room sends it through its one announce). */
export type Announcement = { [K in keyof DraftEvents]: [K, DraftEvents[K]] }[keyof DraftEvents];

type Payload<K extends keyof typeof DraftClientMessages> = z.output<(typeof DraftClientMessages)[K]>;
type Command<K extends keyof typeof DraftClientMessages> = (model: DraftModel, actor: Actor, payload: Payload<K>, now: number) => Announcement;

/**
 * The draft commands that change the model and announce one event: keepers
 * and pick trades. Each runs a rule of shared/rules/draft/ (which throws a
 * refusal without changing anything) and answers what everyone hears.
 */
export const LEAGUE_COMMANDS: { [K in "keeper.set" | "keeper.remove" | "trade.propose" | "trade.accept" | "trade.decline" | "trade.veto"]: Command<K> } = {
  "keeper.set": (model, actor, keeper) => [DraftServerMessage.KEEPER, keeperMessage(model, setKeeper(model, actor, keeper), false)],
  "keeper.remove": (model, actor, { teamId, round }) => [DraftServerMessage.KEEPER, keeperMessage(model, removeKeeper(model, actor, teamId, round), true)],
  "trade.propose": (model, actor, proposal, now) => [DraftServerMessage.TRADE, tradeMessage(proposeTrade(model, actor, proposal, now))],
  "trade.accept": (model, actor, { tradeId }, now) => [DraftServerMessage.TRADE, tradeMessage(acceptTrade(model, actor, tradeId, now))],
  "trade.decline": (model, actor, { tradeId }, now) => [DraftServerMessage.TRADE, tradeMessage(declineTrade(model, actor, tradeId, now))],
  "trade.veto": (model, actor, { tradeId }, now) => [DraftServerMessage.TRADE, tradeMessage(vetoTrade(model, actor, tradeId, now))],
};
