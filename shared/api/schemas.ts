import { z } from "zod";
import type { PlayerIdentity, TokenResponse } from "../auth.ts";
import { ErrorCodes, type ErrorBody, type ErrorCode } from "../errors.ts";
import { AbsentPolicy, DraftOrderMode, DraftType, Position, type JoinLeagueResponse, type League, type LeagueListResponse, type LeagueTeam } from "../fantasy-leagues.ts";
import type { LeagueRostersResponse, RosterAssignResponse, RosterEntry } from "../fantasy.ts";
import type { HealthResponse, ReadinessResponse, SdkManifestResponse } from "../http.ts";
import type { AdminMatchResultResponse } from "../leaderboards.ts";
import type { MatchResultPlayer, MatchResultTeam, PlayerMatchStats, RecordedMatchResult } from "../match-result.ts";
import type { MatchFeedResponse, MatchResultPollResponse, PlayerMatchesResponse } from "../match-polling.ts";
import type { SpectateFinishedEvent, SpectateStateEvent } from "../spectate.ts";
import { dto } from "./dto.ts";
import { IsoTime, Whole } from "./leaderboard-schemas.ts";

/**
 * The API's other answers and the spectate events as zod schemas, for the
 * OpenAPI document (each checked against its shared/ DTO type by `dto`).
 */

export const ErrorBodySchema = dto<ErrorBody>()(
  z
    .strictObject({
      error: z.strictObject({
        code: z.enum(Object.keys(ErrorCodes) as [ErrorCode, ...ErrorCode[]]).describe("A code of the error table (docs/protocol.md \"Error codes\"); the HTTP status follows from it"),
        message: z.string().describe("What went wrong and what to do about it"),
        details: z.unknown().optional().describe("Validation issues, limits, etc.; present only where documented"),
      }),
    })
    .describe("The body of every error answer"),
);

export const HealthResponseSchema = dto<HealthResponse>()(z.strictObject({ status: z.literal("ok"), uptimeSeconds: Whole }));
export const ReadinessResponseSchema = dto<ReadinessResponse>()(
  z.strictObject({
    status: z.enum(["ready", "not-ready", "draining"]),
    checks: z.record(z.string(), z.strictObject({ ok: z.boolean(), message: z.string().optional() })),
  }),
);

const PlayerIdentitySchema = dto<PlayerIdentity>()(z.strictObject({ playerId: z.string(), name: z.string() }));
export const TokenResponseSchema = dto<TokenResponse>()(
  z.strictObject({
    token: z.string().describe("A JWT: send it as `Authorization: Bearer <token>`"),
    expiresAt: Whole.describe("Seconds since the epoch"),
    player: PlayerIdentitySchema,
  }),
);

const TeamSide = z.enum(["home", "away"]);
const PlayerMatchStatsSchema = dto<PlayerMatchStats>()(z.strictObject({ goals: Whole, assists: Whole, shots: Whole, saves: Whole, touches: Whole }));
const MatchResultTeamSchema = dto<MatchResultTeam>()(
  z.strictObject({ teamId: z.string().optional(), name: z.string(), score: Whole, stats: PlayerMatchStatsSchema, ownGoals: Whole.optional() }),
);
const MatchResultPlayerSchema = dto<MatchResultPlayer>()(z.strictObject({ playerId: z.string(), name: z.string(), side: TeamSide, stats: PlayerMatchStatsSchema }));
export const RecordedMatchResultSchema = dto<RecordedMatchResult>()(
  z.strictObject({
    matchId: z.string(),
    mode: z.string(),
    teams: z.strictObject({ home: MatchResultTeamSchema, away: MatchResultTeamSchema }),
    players: z.array(MatchResultPlayerSchema),
    winner: z.enum(["home", "away", "draw"]),
    forfeitedBy: TeamSide.optional(),
    startedAt: IsoTime,
    endedAt: IsoTime,
    recordedAt: IsoTime,
    seq: Whole.describe("Position in the results feed (strictly increasing)"),
  }),
);

export const MatchResultPollResponseSchema = dto<MatchResultPollResponse>()(
  z.union([
    z.strictObject({ cursor: z.string(), final: z.literal(true), changed: z.literal(true), result: RecordedMatchResultSchema }),
    z.strictObject({ cursor: z.string().describe("Send it back as `cursor`"), final: z.literal(false), changed: z.literal(false) }),
  ]),
);
export const MatchFeedResponseSchema = dto<MatchFeedResponse>()(
  z.strictObject({
    cursor: z.string().describe("`epoch:seq`: the next poll's `after`"),
    results: z.array(RecordedMatchResultSchema).describe("Oldest first"),
    changed: z.boolean(),
    reset: z.boolean().optional().describe("The cursor was from another epoch (the feed restarted): results start from the beginning of this one"),
  }),
);
export const PlayerMatchesResponseSchema = dto<PlayerMatchesResponse>()(
  z.strictObject({ results: z.array(RecordedMatchResultSchema), nextCursor: z.string().nullable().describe("The next page's `cursor`; null on the last page") }),
);

export const SpectateStateEventSchema = dto<SpectateStateEvent>()(
  z
    .strictObject({
      matchId: z.string(),
      seq: Whole.describe("Increases by one per frame of this room"),
      ts: z.number().describe("Server time (ms) the frame was taken"),
      state: z.record(z.string(), z.unknown()).describe("The game state as JSON (positions in centimetres)"),
    })
    .describe("One frame of the live match, at SPECTATE_RATE_HZ; a slow viewer skips frames"),
);
export const SpectateFinishedEventSchema = dto<SpectateFinishedEvent>()(
  z.strictObject({ matchId: z.string(), result: RecordedMatchResultSchema }).describe("The recorded result; the server then ends the stream"),
);
/** The spectate stream's events by name. */
export const SpectateEventSchemas = { state: SpectateStateEventSchema, finished: SpectateFinishedEventSchema } as const;

const LeagueTeamSchema = dto<LeagueTeam>()(
  z.strictObject({ teamId: z.string(), name: z.string(), managerId: z.string().describe("The manager's player id"), joinedAt: IsoTime }),
);
export const LeagueSchema = dto<League>()(
  z.strictObject({
    id: z.string(),
    name: z.string(),
    commissionerId: z.string(),
    inviteCode: z.string(),
    teamCount: Whole,
    rosterSize: Whole,
    draftType: DraftType,
    thirdRoundReversal: z.boolean(),
    pickSeconds: Whole,
    draftOrder: DraftOrderMode,
    players: z.array(z.strictObject({ playerId: z.string(), name: z.string().optional(), position: Position.optional() })),
    absentPolicy: AbsentPolicy,
    absentGraceSeconds: Whole,
    rosterSlots: z.strictObject({ GK: Whole.optional(), DEF: Whole.optional(), MID: Whole.optional(), FWD: Whole.optional(), BENCH: Whole.optional() }).optional(),
    startAt: IsoTime.optional().describe("When the draft starts itself"),
    quietHours: z.strictObject({ start: z.string(), end: z.string(), timeZone: z.string() }).optional(),
    softTimer: z.boolean(),
    budget: Whole.describe("Auction drafts: each team's budget"),
    nominationSeconds: Whole.describe("Auction drafts: the nomination clock"),
    bidSeconds: Whole.describe("Auction drafts: the bid clock (restarts on each bid)"),
    teams: z.array(LeagueTeamSchema).describe("In join order"),
    draftStatus: z.enum(["scheduled", "in-progress", "complete"]),
    standingsBoardId: z.string().describe("The leaderboard ranking the teams by fantasy points"),
    createdAt: IsoTime,
  }),
);
export const JoinLeagueResponseSchema = dto<JoinLeagueResponse>()(z.strictObject({ league: LeagueSchema, team: LeagueTeamSchema, created: z.boolean() }));
export const LeagueListResponseSchema = dto<LeagueListResponse>()(z.strictObject({ leagues: z.array(LeagueSchema) }));

const RosterEntrySchema = dto<RosterEntry>()(z.strictObject({ leagueId: z.string(), fantasyTeamId: z.string(), playerId: z.string() }));
export const RosterAssignResponseSchema = dto<RosterAssignResponse>()(z.strictObject({ entry: RosterEntrySchema, created: z.boolean() }));
export const LeagueRostersResponseSchema = dto<LeagueRostersResponse>()(
  z.strictObject({
    leagueId: z.string(),
    standingsBoardId: z.string(),
    teams: z.array(z.strictObject({ fantasyTeamId: z.string(), name: z.string(), playerIds: z.array(z.string()) })),
  }),
);
export const AdminMatchResultResponseSchema = dto<AdminMatchResultResponse>()(
  z.union([
    z.strictObject({ status: z.literal("recorded"), created: z.boolean(), result: RecordedMatchResultSchema }),
    z.strictObject({ status: z.literal("queued"), matchId: z.string() }),
  ]),
);

export const SdkManifestResponseSchema = dto<SdkManifestResponse>()(
  z.strictObject({
    entries: z.record(
      z.string(),
      z.strictObject({ url: z.string(), map: z.string(), integrity: z.string().describe("Subresource Integrity (sha384)"), bytes: Whole, gzipBytes: Whole }),
    ),
  }),
);
