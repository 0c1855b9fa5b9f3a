import { z } from "zod";
import { FantasyLeagueId, FantasyTeamId } from "../fantasy.ts";
import { LEAGUE_LIMITS } from "../fantasy-leagues.ts";
import { OwnerId } from "../leaderboards.ts";
import type { MessageSchemas } from "../room-protocol.ts";
import { MAX_QUEUE_LENGTH } from "./state.ts";
import { ChatText } from "../text.ts";

const Round = z.number().int().min(1).max(255);
/** A pick slot: its round and the team whose draft position it is. */
const PickRef = z.strictObject({ round: Round, teamId: FantasyTeamId });
const PickRefs = z.array(PickRef).min(1).max(30);
const TradeId = z.string().regex(/^tr[0-9]{1,6}$/, "a trade id (tr and digits)");

/** A client's id for one pick attempt: a retry with the same id never picks twice (idempotency key). */
export const ClientPickId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "pickId: 1..64 letters, digits, _ . : -");

/** An auction amount in whole dollars. */
export const AuctionAmount = z.number().int().min(1).max(LEAGUE_LIMITS.budget.max);

/**
 * Join options of the `draft` room (joinOrCreate sends one object for create
 * and join). `joinOrCreate("draft", {leagueId})` lands every member of a
 * league in the same room (the matchmaker filters by `leagueId`).
 */
export const DraftRoomOptions = z.strictObject({ leagueId: FantasyLeagueId });
export type DraftRoomOptionsInput = z.input<typeof DraftRoomOptions>;
/** joinById may omit the league id; if given it must be the room's. */
export const DraftJoinOptions = z.strictObject({ leagueId: FantasyLeagueId.optional() });

/**
 * Client → server messages of the `draft` room. A payload failing its schema
 * gets `error VALIDATION_FAILED`; a rule refusal gets `error` with the code
 * from {@link DraftRefusals} and `details.reason` naming the rule.
 */
export const DraftClientMessages = {
  /** Commissioner, `waiting`: starts the draft (fixes the order, starts the clock). */
  start: z.strictObject({}),
  /** Commissioner, `waiting`, `manual`-order leagues: round 1's order, every team exactly once. */
  "order.set": z.strictObject({ teamIds: z.array(FantasyTeamId).min(1).max(64) }),
  /**
   * A pick for the team on the clock. Managers pick for their own team;
   * the commissioner picks on behalf of the team on the clock (`teamId`, or
   * their own team if they have one), also while the draft is paused (the
   * clock stays stopped). Answered with `draft.pick.result` (and
   * a `draft.picked` broadcast) or an `error` whose `details.pickId` echoes it.
   */
  pick: z.strictObject({ pickId: ClientPickId, playerId: OwnerId, teamId: FantasyTeamId.optional() }),
  /** Replaces the caller's private queue (player ids from the pool, no repeats). Allowed until the draft is complete. */
  "queue.set": z
    .strictObject({ playerIds: z.array(OwnerId).max(MAX_QUEUE_LENGTH) })
    .refine((q) => new Set(q.playerIds).size === q.playerIds.length, { message: "a queue must not repeat a player", path: ["playerIds"] }),
  /** Turns autopick mode on or off for the caller's team (the commissioner may pass any `teamId`). */
  "autopick.set": z.strictObject({ enabled: z.boolean(), teamId: FantasyTeamId.optional() }),
  /** Commissioner, `running`: stops the clock. */
  pause: z.strictObject({}),
  /** Commissioner, `paused`: restarts the clock with the FULL pick time for the team on the clock. */
  resume: z.strictObject({}),
  /** Commissioner: undoes pick `pickNumber` and every later pick (default: the last pick). The clock restarts for the team on the clock. */
  undo: z.strictObject({ pickNumber: z.number().int().min(1).max(65535).optional() }),
  /** Commissioner, `waiting`: `playerId` is kept by `teamId` at the cost of its own pick in `round` (replaces that round's keeper). */
  "keeper.set": z.strictObject({ teamId: FantasyTeamId, playerId: OwnerId, round: Round }),
  /** Commissioner, `waiting`: removes the team's keeper of `round`. */
  "keeper.remove": z.strictObject({ teamId: FantasyTeamId, round: Round }),
  /** A manager proposes to `toTeamId`: the caller gives the slots `give`, gets the slots `get` (as many each way). */
  "trade.propose": z.strictObject({ toTeamId: FantasyTeamId, give: PickRefs, get: PickRefs }),
  /** The receiving manager accepts: the trade executes at once. */
  "trade.accept": z.strictObject({ tradeId: TradeId }),
  /** The receiving manager declines, or the proposer withdraws. */
  "trade.decline": z.strictObject({ tradeId: TradeId }),
  /** Commissioner: vetoes a trade that is still proposed. */
  "trade.veto": z.strictObject({ tradeId: TradeId }),
  /** A chat line to the draft room (the text rule, rate-limited per client, kept in the bounded `chat` history). */
  chat: z.strictObject({ text: ChatText }),
  /** Auction drafts: the team on the nomination clock puts a player up, with its opening bid (default 1). */
  "auction.nominate": z.strictObject({ playerId: OwnerId, bid: AuctionAmount.optional() }),
  /**
   * Auction drafts: a bid on the open lot, above the high bid and at most the
   * team's max bid. `lot` (optional) names the lot meant, so a late bid never
   * lands on the next player; `bidId` (optional) makes a retry safe.
   */
  "auction.bid": z.strictObject({ amount: AuctionAmount, lot: z.number().int().min(1).max(65535).optional(), bidId: ClientPickId.optional() }),
} satisfies MessageSchemas;

export type DraftClientMessageType = keyof typeof DraftClientMessages;
export type DraftPickRequest = z.output<(typeof DraftClientMessages)["pick"]>;
export type AuctionNominateRequest = z.output<(typeof DraftClientMessages)["auction.nominate"]>;
export type AuctionBidRequest = z.output<(typeof DraftClientMessages)["auction.bid"]>;
