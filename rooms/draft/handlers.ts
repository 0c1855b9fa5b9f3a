import type { Client } from "@colyseus/core";
import type { z } from "zod";
import { DraftServerMessage, type DraftClientMessages, type DraftPickResult, type DraftUndoneMessage, type TokenClaims } from "../../shared/index.ts";
import {
  makePick,
  nominate,
  pauseDraft,
  placeBid,
  resumeDraft,
  setAutopick,
  setOrder,
  setQueue,
  undoPicks,
  type Actor,
  type AuctionEvent,
  type DraftModel,
  type DraftPick,
} from "../../shared/rules/draft/index.ts";
import type { RoomChat } from "../chat.ts";
import { withBidId } from "./auction.ts";
import { LEAGUE_COMMANDS, type Announcement } from "./league-commands.ts";
import { pickMessage, withPickId, type Announce } from "./messages.ts";
import type { DraftStart } from "./start.ts";

type Message = keyof typeof DraftClientMessages & string;
type AuctionMessage = "auction.nominate" | "auction.bid";
type Handler<K extends Message> = (client: Client, payload: z.output<(typeof DraftClientMessages)[K]>) => void | Promise<void>;

/** What the handlers reach in the room. */
export interface DraftHandlerHost {
  model: DraftModel;
  chat: RoomChat;
  starter: DraftStart;
  actor(client: Client): Actor;
  claims(client: Client): TokenClaims;
  /** The room's "after every change" (version, state, snapshot, listing). */
  changed(): void;
  announce: Announce;
  /** A change that made these picks: it goes out, then each pick (a complete draft finishes). */
  picked(picks: DraftPick[]): void;
  /** A change with these auction happenings: it goes out, then each event (a complete auction finishes). */
  auctioned(events: AuctionEvent[]): void;
}

/**
 * The draft room's message handlers, one per client message: each runs a
 * rule of shared/rules/draft/ on the sender's behalf (a refusal changes
 * nothing), then the change and its events go out. Every handler runs
 * after the room marks its sender back (an absent team leaves autopick);
 * `auction` holds the auction draft's commands.
 */
export function draftHandlers(host: DraftHandlerHost): {
  managers: { [K in Exclude<Message, AuctionMessage>]: Handler<K> };
  auction: { [K in AuctionMessage]: Handler<K> };
} {
  const { model } = host;
  /** A command of the rules on the client's behalf; then the change goes out. */
  const apply = (client: Client, command: (actor: Actor) => unknown): void => {
    command(host.actor(client));
    host.changed();
  };
  const leagueCommand = (type: keyof typeof LEAGUE_COMMANDS) => (client: Client, payload: unknown) => {
    const command = LEAGUE_COMMANDS[type] as (model: DraftModel, actor: Actor, payload: unknown, now: number) => Announcement;
    const announcement = command(model, host.actor(client), payload, Date.now());
    host.changed();
    host.announce(announcement[0], announcement[1]);
  };
  return {
    managers: {
      start: async (client) => host.starter.start(host.actor(client)),
      "order.set": (client, { teamIds }) => apply(client, (actor) => setOrder(model, actor, teamIds)),
      pick: (client, request) => {
        const before = model.picks.length;
        const outcome = withPickId(request.pickId, () => makePick(model, host.actor(client), request, Date.now()));
        if (!outcome.replayed) host.picked(model.picks.slice(before));
        client.send(
          DraftServerMessage.PICK_RESULT,
          { pickId: request.pickId, replayed: outcome.replayed, undone: outcome.undone, pick: pickMessage(model, outcome.pick) } satisfies DraftPickResult,
          { afterNextPatch: true },
        );
      },
      "queue.set": (client, { playerIds }) => apply(client, (actor) => setQueue(model, actor, playerIds)),
      "autopick.set": (client, { enabled, teamId }) => apply(client, (actor) => setAutopick(model, actor, enabled, teamId)),
      pause: (client) => apply(client, (actor) => pauseDraft(model, actor, Date.now())),
      resume: (client) => apply(client, (actor) => resumeDraft(model, actor, Date.now())),
      undo: (client, { pickNumber }) => {
        const undone = undoPicks(model, host.actor(client), pickNumber, Date.now());
        host.changed();
        host.announce(DraftServerMessage.UNDONE, { fromPick: undone[0].number, undone: undone.map((p) => pickMessage(model, p)) } satisfies DraftUndoneMessage);
        host.picked(model.picks.slice(undone[0].number - 1)); // keepers drafted again with their slot
      },
      "keeper.set": leagueCommand("keeper.set"),
      "keeper.remove": leagueCommand("keeper.remove"),
      "trade.propose": leagueCommand("trade.propose"),
      "trade.accept": leagueCommand("trade.accept"),
      "trade.decline": leagueCommand("trade.decline"),
      "trade.veto": leagueCommand("trade.veto"),
      chat: (client, { text }) => {
        const { playerId, name } = host.claims(client);
        const line = host.chat.say(client.sessionId, { playerId, name }, text, Date.now());
        host.announce(DraftServerMessage.CHAT, { seq: line.seq, playerId, name, text: line.text, at: line.at });
      },
    },
    auction: {
      "auction.nominate": (client, request) => host.auctioned([nominate(model, host.actor(client), request, Date.now())]),
      "auction.bid": (client, request) => {
        const events = withBidId(request.bidId, () => placeBid(model, host.actor(client), request, Date.now()));
        if (events.length > 0) host.auctioned(events); // a retried bid id changed nothing
      },
    },
  };
}
