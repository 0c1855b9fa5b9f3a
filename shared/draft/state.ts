import { ArraySchema, MapSchema, Schema, type, view } from "@colyseus/schema";

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

/** Who made a pick. `autopick`: the clock ran out, or the team's autopick mode is on. */
export type DraftPickBy = "manager" | "commissioner" | "autopick";

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
}
