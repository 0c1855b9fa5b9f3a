import { ArraySchema, MapSchema, Schema, type, view } from "@colyseus/schema";
import { ChatLine } from "../chat.ts";

/**
 * The `draft` room's synchronised state (docs/protocol.md "Draft room"). Server and clients import
 * these classes: pass `DraftState` to the SDK's join call.
 *
 * Private information: `DraftTeamState.queue` is tagged `@view()`, so only the
 * team's own manager (whose StateView holds that team) ever receives it;
 * every other client sees the team without its queue.
 */

/** `waiting` → (commissioner `start`) → `running` ⇄ `paused` → `complete`. */
export type DraftStatus = "waiting" | "running" | "paused" | "complete";

/** Who made a pick. `autopick`: the clock ran out, the team's autopick mode is on, or it is absent. `keeper`: a keeper's slot came up. */
export type DraftPickBy = "manager" | "commissioner" | "autopick" | "keeper";

/** The most player ids a manager's queue holds (`DraftTeamState.queue`, the `queue.set` message). */
export const MAX_QUEUE_LENGTH = 100;

/** Where an autopick came from: the team's queue, the league's rankings (`rating` board), or the best available player. */
export type AutopickSource = "queue" | "rankings" | "best-available";

export class DraftTeamState extends Schema {
  @type("string") teamId = "";
  @type("string") name = "";
  /** The manager's player id. */
  @type("string") managerId = "";
  /** Draft position (1-based) once the order is known; 0 before. */
  @type("uint8") position = 0;
  /** True while the manager has a live connection to the room. */
  @type("boolean") connected = false;
  /** Autopick mode: the team's picks are made for it as soon as it is on the clock. */
  @type("boolean") autopick = false;
  /** True while the team is absent: on autopick until its manager comes back (see `autopickReason`). */
  @type("boolean") absent = false;
  /** Why the team is on autopick: "" (it is not), `manager` (autopick mode), `missed-clock` or `disconnected` (absent). */
  @type("string") autopickReason: "" | "manager" | "missed-clock" | "disconnected" = "";
  /** Soft timer: the team's clock ran out on its current pick (cleared by its next pick). */
  @type("boolean") late = false;
  /** Player ids drafted, in pick order. */
  @type(["string"]) roster = new ArraySchema<string>();
  /** The manager's private queue (player ids, first = next). Visible to that manager only. */
  @view() @type(["string"]) queue = new ArraySchema<string>();
  /** Auction drafts: budget left (0 in other drafts). */
  @type("uint16") budgetLeft = 0;
  /** Auction drafts: the most this team may bid now (budget left − $1 × empty slots after this one; 0 when its roster is full). */
  @type("uint16") maxBid = 0;
}

/** Auction drafts: the player being auctioned (`number` 0 while none is). */
export class AuctionLotState extends Schema {
  /** Lot number, 1-based; 0: no lot open. */
  @type("uint16") number = 0;
  @type("string") playerId = "";
  /** The team that nominated the player. */
  @type("string") nominator = "";
  @type("uint16") highBid = 0;
  @type("string") highBidder = "";
  /** Bids on this lot so far, the opening bid included. */
  @type("uint16") bids = 0;
}

export class DraftPlayerState extends Schema {
  @type("string") playerId = "";
  @type("string") name = "";
  /** Rating on the `rating` board when the room loaded the pool (0: unrated). */
  @type("uint32") rating = 0;
  /** Rank in the league's default rankings (1 = best); 0: unranked (a supplied player without a rating). */
  @type("uint16") rank = 0;
  /** The team that drafted the player ("" while available). */
  @type("string") draftedBy = "";
  /** Overall pick number that took the player (0 while available). */
  @type("uint16") pickNumber = 0;
  /** GK, DEF, MID, FWD, or "" (none: fills only BENCH slots in a league with roster slots). */
  @type("string") position = "";
  /** The team keeping the player ("" if none): the player is not draftable. */
  @type("string") keptBy = "";
}

/** A pick slot: a round and the team whose draft position it is (`originalTeamId`), with its current owner. */
export class DraftSlotState extends Schema {
  @type("uint8") round = 0;
  @type("string") originalTeamId = "";
  /** The team that owns the slot now (trades move slots). */
  @type("string") ownerTeamId = "";
  /** Overall pick number once the order is known; 0 before. */
  @type("uint16") number = 0;
  /** The player kept with this slot ("" if none). */
  @type("string") keeperId = "";
  /** The player picked with this slot ("" until made). */
  @type("string") playerId = "";
}

/** A pick trade: `give` from the proposer, `get` from the other team; slots as `"<round>:<originalTeamId>"`. */
export class DraftTradeState extends Schema {
  @type("string") id = "";
  @type("string") fromTeamId = "";
  @type("string") toTeamId = "";
  @type(["string"]) give = new ArraySchema<string>();
  @type(["string"]) get = new ArraySchema<string>();
  /** `proposed`, `accepted`, `declined`, `withdrawn`, `vetoed`. */
  @type("string") status = "proposed";
}

export class DraftPickState extends Schema {
  /** Overall pick number, 1-based. */
  @type("uint16") number = 0;
  /** 1-based. */
  @type("uint8") round = 0;
  @type("string") teamId = "";
  @type("string") playerId = "";
  @type("string") by: DraftPickBy = "manager";
  /** Set for autopicks. */
  @type("string") source: AutopickSource | "" = "";
  /** The team whose draft position the slot came from (differs from `teamId` for a traded pick). */
  @type("string") originalTeamId = "";
  /** The roster slot filled (leagues with roster slots), else "". */
  @type("string") slot = "";
  /** Epoch ms. */
  @type("float64") at = 0;
  /** Auction drafts: what the team paid (0 in other drafts). */
  @type("uint16") price = 0;
}

export class DraftState extends Schema {
  @type("string") leagueId = "";
  @type("string") leagueName = "";
  @type("string") commissionerId = "";
  @type("string") status: DraftStatus = "waiting";
  @type("string") draftType = "snake";
  @type("boolean") thirdRoundReversal = false;
  @type("string") orderMode = "random";
  /** Rounds = roster size. */
  @type("uint8") rounds = 0;
  /** The pick clock, per pick. */
  @type("uint16") pickSeconds = 0;
  /** Team ids by draft position (round 1's order). Empty until set or started. */
  @type(["string"]) order = new ArraySchema<string>();
  /** Picks in the whole draft (teams × rounds); known once started. */
  @type("uint16") totalPicks = 0;
  /** Overall number (1-based) of the pick on the clock; 0 when none (waiting, complete). */
  @type("uint16") currentPick = 0;
  @type("uint8") currentRound = 0;
  /** The team on the clock ("" when none). */
  @type("string") onClock = "";
  /** When the pick clock runs out (epoch ms, server clock); 0 while paused or not running. */
  @type("float64") deadlineAt = 0;
  /** Milliseconds left on the pick clock (updated a few times a second; frozen while paused). */
  @type("uint32") remainingMs = 0;
  @type({ map: DraftTeamState }) teams = new MapSchema<DraftTeamState>();
  @type([DraftPickState]) picks = new ArraySchema<DraftPickState>();
  /** The draftable pool, keyed by player id, in ranking order (rated by rank, then supplied players). */
  @type({ map: DraftPlayerState }) players = new MapSchema<DraftPlayerState>();
  /** Auction drafts: each team's starting budget (0 in other drafts). */
  @type("uint16") budget = 0;
  /** Auction drafts: the nomination clock. */
  @type("uint16") nominationSeconds = 0;
  /** Auction drafts: the bid clock, restarted by every bid. */
  @type("uint16") bidSeconds = 0;
  /** Auction drafts: the open lot (`lot.number` 0 while the team on the clock, `onClock`, is to nominate). */
  @type(AuctionLotState) lot = new AuctionLotState();
  /** True once a complete draft's rosters are in the fantasy roster store (points are credited from then on). */
  @type("boolean") rostersSaved = false;
  /** Absent managers: `missed-clock` or `disconnect-grace`. */
  @type("string") absentPolicy = "missed-clock";
  @type("uint16") absentGraceSeconds = 0;
  /** Soft timer: a clock that runs out flags the team late and never autopicks. */
  @type("boolean") softTimer = false;
  /** Roster slots per position (GK, DEF, MID, FWD, BENCH); empty: no positions. */
  @type({ map: "uint8" }) rosterSlots = new MapSchema<number>();
  /** When the draft starts itself (epoch ms); 0: no schedule. */
  @type("float64") startAt = 0;
  /** Quiet hours as `HH:MM-HH:MM <timeZone>` ("" if none). */
  @type("string") quietHours = "";
  /** True while quiet hours stop the clock (`remainingMs` frozen, no autopicks). */
  @type("boolean") quiet = false;
  /** Every pick slot by `"<round>:<originalTeamId>"`, with its current owner. */
  @type({ map: DraftSlotState }) slots = new MapSchema<DraftSlotState>();
  /** Pick trades (every status), oldest first. */
  @type([DraftTradeState]) trades = new ArraySchema<DraftTradeState>();
  /** The newest chat lines, oldest first; bounded (CHAT_LIMITS.chatHistory). */
  @type([ChatLine]) chat = new ArraySchema<ChatLine>();
}
