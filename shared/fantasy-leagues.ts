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

/** A player supplied at league creation (e.g. one with no `rating` record yet). */
export const LeaguePoolPlayer = z.strictObject({ playerId: OwnerId, name: Name.optional() });

/** `POST /v1/leagues`: only `name` is required. The caller is the commissioner. */
export const CreateLeagueRequest = z
  .strictObject({
    name: Name,
    teamCount: int(LEAGUE_LIMITS.teamCount).default(LEAGUE_LIMITS.teamCount.default),
    rosterSize: int(LEAGUE_LIMITS.rosterSize).default(LEAGUE_LIMITS.rosterSize.default),
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
  })
  .refine((body) => !(body.thirdRoundReversal && body.draftType !== "snake"), {
    message: "thirdRoundReversal applies to snake drafts only",
    path: ["thirdRoundReversal"],
  })
  .refine((body) => body.draftType !== "auction" || body.budget >= body.rosterSize, {
    message: "an auction budget must hold at least $1 per roster slot (budget >= rosterSize)",
    path: ["budget"],
  })
  .refine((body) => !body.players || new Set(body.players.map((p) => p.playerId)).size === body.players.length, {
    message: "players must not repeat a playerId",
    path: ["players"],
  });
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
  /** Auction drafts: each team's budget (read as the default for leagues stored before the setting existed). */
  budget: number;
  /** Auction drafts: the nomination clock. */
  nominationSeconds: number;
  /** Auction drafts: the bid clock. */
  bidSeconds: number;
  /** Extra draftable players supplied at creation. */
  players: { playerId: string; name?: string }[];
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

/** What a player is in a league, if anything. */
export function leagueRole(league: League, playerId: string): { commissioner: boolean; team?: LeagueTeam } | undefined {
  const team = league.teams.find((t) => t.managerId === playerId);
  const commissioner = league.commissionerId === playerId;
  if (!team && !commissioner) return undefined;
  return team ? { commissioner, team } : { commissioner };
}
