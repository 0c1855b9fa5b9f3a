import { z } from "zod";
import { IdPatterns } from "./ids.ts";
import { displayText } from "./text.ts";
import { OwnerId } from "./leaderboards.ts";

/**
 * Fantasy leagues over HTTP (`/v1/leagues`, docs/protocol.md "Fantasy leagues"): a commissioner creates a
 * league, managers join it by invite code (one team each), and the league's
 * draft room (`draft`, shared/draft/) fills the teams' rosters.
 * Browser-safe: the SDK imports these validators and DTOs.
 */

/**
 * How the draft runs. `snake` reverses every other round; `linear` repeats
 * round 1's order; `auction`: teams nominate players in turn and bid on them
 * from a `budget` (docs/protocol.md "Auction drafts").
 */
export const DraftType = z.enum(["snake", "linear", "auction"]);
export type DraftType = z.infer<typeof DraftType>;

/** `random`: shuffled when the commissioner starts the draft; `manual`: the commissioner sets it (`order.set`) or the join order stands. */
export const DraftOrderMode = z.enum(["random", "manual"]);
export type DraftOrderMode = z.infer<typeof DraftOrderMode>;

/** Where a league's draft is: the league store's view, set by the draft room. */
export type LeagueDraftStatus = "scheduled" | "in-progress" | "complete";

/** Every league limit, named once with its default. */
export const LEAGUE_LIMITS = {
  teamCount: { min: 2, max: 20, default: 8 },
  /** Players per team = rounds of the draft. */
  rosterSize: { min: 1, max: 30, default: 5 },
  pickSeconds: { min: 1, max: 3600, default: 60 },
  /** Players supplied at creation (added to the draftable pool). */
  extraPlayers: { max: 500 },
  /** `disconnect-grace`: how long a disconnected manager keeps the clock. */
  absentGraceSeconds: { min: 0, max: 3600, default: 60 },
  /** Auction drafts: each team's budget (at least $1 per roster slot). */
  budget: { min: 1, max: 10_000, default: 200 },
  /** Auction drafts: the clock of the team that is to nominate a player. */
  nominationSeconds: { min: 1, max: 3600, default: 30 },
  /** Auction drafts: the bid clock; it restarts in full on each bid, and the high bidder wins the lot when it runs out. */
  bidSeconds: { min: 1, max: 600, default: 10 },
} as const;

/** The auction settings a league stored before they existed reads as these. */
export const AUCTION_DEFAULTS = {
  budget: LEAGUE_LIMITS.budget.default,
  nominationSeconds: LEAGUE_LIMITS.nominationSeconds.default,
  bidSeconds: LEAGUE_LIMITS.bidSeconds.default,
} as const;

const Name = displayText("name", { max: 64 });
const int = (limits: { min: number; max: number }) => z.number().int().min(limits.min).max(limits.max);

/** A league's id as `POST /v1/leagues` makes it (the roster API's FantasyLeagueId is looser: operators pick those). */
export const LeagueId = z.string().regex(IdPatterns.league, "not a league id (lg_ and 16 hex digits, as POST /v1/leagues answers)");

/** Letters and digits without look-alikes (no 0/O, 1/I). */
const INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const INVITE_CODE_LENGTH = 8;
export const InviteCode = z
  .string()
  .trim()
  .transform((code) => code.toUpperCase())
  .pipe(z.string().regex(new RegExp(`^[${INVITE_ALPHABET}]{${INVITE_CODE_LENGTH}}$`), `not an invite code (${INVITE_CODE_LENGTH} letters and digits)`));
export { INVITE_ALPHABET };

/** A player's position on the pitch (roster slots, `rosterSlots`). */
export const Position = z.enum(["GK", "DEF", "MID", "FWD"]);
export type Position = z.infer<typeof Position>;
/** A roster slot: a position's starting slot, or `BENCH` (takes any player). */
export type RosterSlot = Position | "BENCH";
export const ROSTER_SLOT_NAMES: readonly RosterSlot[] = ["GK", "DEF", "MID", "FWD", "BENCH"];

/**
 * A player supplied at league creation (e.g. one with no `rating` record yet).
 * `position` also applies to a player of the `rating` board listed here: it is
 * how rated players get a position (a pool player without one fills only `BENCH` slots).
 */
export const LeaguePoolPlayer = z.strictObject({ playerId: OwnerId, name: Name.optional(), position: Position.optional() });

/** Slots per position; the roster size is their sum (1..30). */
const slotCount = z.number().int().min(0).max(LEAGUE_LIMITS.rosterSize.max);
export const RosterSlots = z
  .strictObject({ GK: slotCount.optional(), DEF: slotCount.optional(), MID: slotCount.optional(), FWD: slotCount.optional(), BENCH: slotCount.optional() })
  .refine((slots) => rosterSlotsTotal(slots) >= 1 && rosterSlotsTotal(slots) <= 30, { message: "rosterSlots must add up to 1..30 players" });
export type RosterSlots = Partial<Record<RosterSlot, number>>;
export function rosterSlotsTotal(slots: RosterSlots): number {
  return ROSTER_SLOT_NAMES.reduce((sum, slot) => sum + (slots[slot] ?? 0), 0);
}

/** Who is put on autopick: a team that misses its clock, or whose manager stays disconnected past `absentGraceSeconds`. */
export const AbsentPolicy = z.enum(["missed-clock", "disconnect-grace"]);
export type AbsentPolicy = z.infer<typeof AbsentPolicy>;

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time of day, HH:MM (24-hour)");
const TimeZone = z.string().min(1).max(64).refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat("en-GB", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: "an IANA time zone (e.g. UTC, Europe/London)" },
);
/** A daily window (local to `timeZone`) in which a running draft's clock stops; `start` > `end` wraps past midnight. */
export const QuietHours = z
  .strictObject({ start: ClockTime, end: ClockTime, timeZone: TimeZone.default("UTC") })
  .refine((q) => q.start !== q.end, { message: "quietHours start and end must differ" });
export type QuietHours = z.output<typeof QuietHours>;

/** `POST /v1/leagues`: only `name` is required. The caller is the commissioner. */
export const CreateLeagueRequest = z
  .strictObject({
    name: Name,
    teamCount: int(LEAGUE_LIMITS.teamCount).default(LEAGUE_LIMITS.teamCount.default),
    rosterSize: int(LEAGUE_LIMITS.rosterSize).optional(),
    draftType: DraftType.default("snake"),
    /** Snake only: round 3 runs in round 2's order, then the snake goes on from there. */
    thirdRoundReversal: z.boolean().default(false),
    pickSeconds: int(LEAGUE_LIMITS.pickSeconds).default(LEAGUE_LIMITS.pickSeconds.default),
    draftOrder: DraftOrderMode.default("random"),
    /** Auction drafts only: each team's budget. */
    budget: int(LEAGUE_LIMITS.budget).default(LEAGUE_LIMITS.budget.default),
    /** Auction drafts only: the nomination clock. */
    nominationSeconds: int(LEAGUE_LIMITS.nominationSeconds).default(LEAGUE_LIMITS.nominationSeconds.default),
    /** Auction drafts only: the bid clock (restarts on each bid). */
    bidSeconds: int(LEAGUE_LIMITS.bidSeconds).default(LEAGUE_LIMITS.bidSeconds.default),
    /** Also join as a manager with this team name (the commissioner's own team). */
    teamName: Name.optional(),
    /** Extra draftable players, after the `rating` board's (they rank below every rated player, in this order). */
    players: z.array(LeaguePoolPlayer).max(LEAGUE_LIMITS.extraPlayers.max).optional(),
    /** Absent managers: `missed-clock` (a missed clock puts the team on autopick) or `disconnect-grace`. */
    absentPolicy: AbsentPolicy.default("missed-clock"),
    /** `disconnect-grace`: seconds a manager may stay disconnected during the draft before autopick takes over. */
    absentGraceSeconds: int(LEAGUE_LIMITS.absentGraceSeconds).default(LEAGUE_LIMITS.absentGraceSeconds.default),
    /** Roster positions; when set, `rosterSize` is their sum (a differing `rosterSize` is refused). */
    rosterSlots: RosterSlots.optional(),
    /** When the draft starts itself (ISO-8601 with offset); the commissioner may still start it earlier. */
    startAt: z.iso.datetime({ offset: true }).optional(),
    /** A daily window in which the running draft's clock stops (slow drafts). */
    quietHours: QuietHours.optional(),
    /** Soft timer: a clock that runs out flags the team as late and never autopicks. */
    softTimer: z.boolean().default(false),
  })
  .refine((body) => !(body.thirdRoundReversal && body.draftType !== "snake"), {
    message: "thirdRoundReversal applies to snake drafts only",
    path: ["thirdRoundReversal"],
  })
  .refine((body) => body.draftType !== "auction" || body.budget >= (body.rosterSlots ? rosterSlotsTotal(body.rosterSlots) : (body.rosterSize ?? LEAGUE_LIMITS.rosterSize.default)), {
    message: "an auction budget must hold at least $1 per roster slot (budget >= rosterSize)",
    path: ["budget"],
  })
  .refine((body) => !body.players || new Set(body.players.map((p) => p.playerId)).size === body.players.length, {
    message: "players must not repeat a playerId",
    path: ["players"],
  })
  .refine((body) => !body.rosterSlots || body.rosterSize === undefined || body.rosterSize === rosterSlotsTotal(body.rosterSlots), {
    message: "rosterSize must equal the sum of rosterSlots (or be left out)",
    path: ["rosterSize"],
  })
  .transform(({ rosterSize, ...body }) => ({
    ...body,
    rosterSize: body.rosterSlots ? rosterSlotsTotal(body.rosterSlots) : (rosterSize ?? LEAGUE_LIMITS.rosterSize.default),
  }));
export type CreateLeagueRequest = z.input<typeof CreateLeagueRequest>;
export type LeagueSettings = z.output<typeof CreateLeagueRequest>;

/** `POST /v1/leagues/join`. */
export const JoinLeagueRequest = z.strictObject({ inviteCode: InviteCode, teamName: Name });
export type JoinLeagueRequest = z.input<typeof JoinLeagueRequest>;

/** A fantasy team of a league. `teamId` is also its owner id on the standings board and in the roster store. */
export interface LeagueTeam {
  teamId: string;
  name: string;
  /** The manager's player id. */
  managerId: string;
  /** ISO-8601 */
  joinedAt: string;
}

/** A league as the API answers it. */
export interface League {
  id: string;
  name: string;
  commissionerId: string;
  inviteCode: string;
  teamCount: number;
  rosterSize: number;
  draftType: DraftType;
  thirdRoundReversal: boolean;
  pickSeconds: number;
  draftOrder: DraftOrderMode;
  absentPolicy: AbsentPolicy;
  absentGraceSeconds: number;
  /** Absent: no positions (any player fills any pick). */
  rosterSlots?: RosterSlots;
  /** ISO-8601: when the draft starts itself. */
  startAt?: string;
  quietHours?: QuietHours;
  softTimer: boolean;
  /** Auction drafts: each team's budget (read as the default for leagues stored before the setting existed). */
  budget: number;
  /** Auction drafts: the nomination clock. */
  nominationSeconds: number;
  /** Auction drafts: the bid clock. */
  bidSeconds: number;
  /** Extra draftable players supplied at creation (and positions for rated players). */
  players: { playerId: string; name?: string; position?: Position }[];
  /** In join order. */
  teams: LeagueTeam[];
  draftStatus: LeagueDraftStatus;
  /** The leaderboard that ranks the teams by fantasy points (`fantasy-<id>`). */
  standingsBoardId: string;
  /** ISO-8601 */
  createdAt: string;
}

/** `POST /v1/leagues/join` → 201 (joined) or 200 (already a manager: the same team). */
export interface JoinLeagueResponse {
  league: League;
  team: LeagueTeam;
  created: boolean;
}

/** `GET /v1/leagues`: leagues where the caller is the commissioner or a manager, newest first. */
export interface LeagueListResponse {
  leagues: League[];
}

/** The settings added after the first leagues were stored, with their defaults (a stored league without them reads as these). */
export const LEAGUE_SETTING_DEFAULTS = {
  absentPolicy: "missed-clock",
  absentGraceSeconds: LEAGUE_LIMITS.absentGraceSeconds.default,
  softTimer: false,
  ...AUCTION_DEFAULTS,
} as const satisfies Partial<League>;

/** What a player is in a league, if anything. */
export function leagueRole(league: League, playerId: string): { commissioner: boolean; team?: LeagueTeam } | undefined {
  const team = league.teams.find((t) => t.managerId === playerId);
  const commissioner = league.commissionerId === playerId;
  if (!team && !commissioner) return undefined;
  return team ? { commissioner, team } : { commissioner };
}
