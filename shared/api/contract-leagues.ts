import { z } from "zod";
import { CreateLeagueRequest, JoinLeagueRequest, LeagueId } from "../fantasy-leagues.ts";
import { FantasyLeagueId, RosterAssignRequest, RosterPathParams } from "../fantasy.ts";
import { JoinLeagueResponseSchema, LeagueListResponseSchema, LeagueRostersResponseSchema, LeagueSchema, RosterAssignResponseSchema } from "./schemas.ts";
import { DraftStreamEventSchemas, LeagueStandingsSchema, StandingsEventSchemas } from "./league-stream-schemas.ts";
import { ADMIN_ERRORS, BODY_ERRORS, HOLD_ERRORS, SSE_NOTE, TOKEN_ERRORS, type ContractPart } from "./route-contract.ts";

const TAG = "Fantasy leagues";
const MEMBER_ERRORS = [...TOKEN_ERRORS, "STORE_UNAVAILABLE"] as const;
const LeagueParams = z.object({ id: LeagueId });
/** A league stream's query: the token (a browser's EventSource cannot send headers). */
const LeagueStreamQuery = z.strictObject({ access_token: z.string().max(4096).optional() });
const STREAM_ERRORS = ["VALIDATION_FAILED", ...TOKEN_ERRORS, "FORBIDDEN", "NOT_FOUND", "BAD_CURSOR", "TOO_MANY_STREAMS", "SERVER_BUSY", ...HOLD_ERRORS] as const;

/** Fantasy leagues and the operator's roster API (docs/protocol.md "Fantasy leagues", "Admin API"). */
export const LEAGUE_CONTRACT = {
  "POST /v1/leagues": {
    tag: TAG,
    summary: "Create a league (the caller is its commissioner)",
    description: "Only `name` is required. With `teamName` the commissioner also joins as a manager. The draft happens in the `draft` room.",
    body: CreateLeagueRequest,
    response: LeagueSchema,
    statuses: { 201: "Created" },
    errors: [...MEMBER_ERRORS, ...BODY_ERRORS],
  },
  "POST /v1/leagues/join": {
    tag: TAG,
    summary: "Join a league by invite code",
    description:
      "One team per player per league: joining again answers 200 with the same team. 409 `CONFLICT` when the league is full, its draft has started, " +
      "or another team has the name (`details.reason`). Invite-code guesses count against JOIN_ATTEMPTS_PER_MINUTE (429 `RATE_LIMITED`).",
    body: JoinLeagueRequest,
    response: JoinLeagueResponseSchema,
    statuses: { 201: "Joined", 200: "Already a manager of this league (the same team)" },
    errors: [...MEMBER_ERRORS, ...BODY_ERRORS, "NOT_FOUND", "CONFLICT", "RATE_LIMITED"],
  },
  "GET /v1/leagues": {
    tag: TAG,
    summary: "The caller's leagues",
    description: "Leagues where the caller is the commissioner or a manager, newest first.",
    response: LeagueListResponseSchema,
    errors: MEMBER_ERRORS,
  },
  "GET /v1/leagues/:id": {
    tag: TAG,
    summary: "Read a league",
    description: "Only its commissioner and managers may read it (403 otherwise).",
    params: z.object({ id: LeagueId }),
    response: LeagueSchema,
    errors: [...MEMBER_ERRORS, "VALIDATION_FAILED", "NOT_FOUND", "FORBIDDEN"],
  },
  "GET /v1/leagues/:id/standings": {
    tag: TAG,
    summary: "A league's standings: a row per team",
    description:
      "Every team of the league with its fantasy points (docs/scoring.md), zero before any match. Ranked by the standings board's order " +
      "(more points first; equal points: the team that reached the score first), then the teams without points in join order. Members only (403 otherwise).",
    params: LeagueParams,
    response: LeagueStandingsSchema,
    errors: [...MEMBER_ERRORS, "VALIDATION_FAILED", "NOT_FOUND", "FORBIDDEN"],
  },
  "GET /v1/leagues/:id/standings/stream": {
    tag: TAG,
    summary: "A league's standings, live (SSE)",
    description:
      `${SSE_NOTE}\n\nMembers only: a commissioner's or manager's token is required (401 without, 403 for another player). ` +
      "Events: `standings` (the whole standings, as `GET /v1/leagues/:id/standings` answers) first and after every change of the league's standings board, " +
      "with `id: epoch:version` (the board's; `none:0` before the board exists). Resuming with `Last-Event-ID` (or `?since=`) at the current version sends nothing until the next change; any other id gets the current standings.",
    params: LeagueParams,
    query: LeagueStreamQuery.extend({ since: z.string().max(100).optional().describe("Same as Last-Event-ID") }),
    events: StandingsEventSchemas,
    errors: STREAM_ERRORS,
  },
  "GET /v1/leagues/:id/draft/stream": {
    tag: TAG,
    summary: "A league's draft, live (SSE)",
    description:
      `${SSE_NOTE}\n\nMembers only: a commissioner's or manager's token is required (401 without, 403 for another player). ` +
      "Events: first `board` (the draft board: teams, order, slots, picks so far, the clock; `id` = the feed seq it includes), then every event of the league's " +
      "draft feed under its own name with `id: <seq>`: the draft room's announcements (`draft.picked`, `draft.undone`, `draft.complete`, and every other event the room " +
      "sends to everyone) and `draft.clock` whenever who is on the clock or the clock's end changes (never per tick). Resuming with `Last-Event-ID` (or `?since=`) replays " +
      "the events after that seq; when they are no longer kept, a fresh `board` comes instead.",
    params: LeagueParams,
    query: LeagueStreamQuery.extend({ since: z.string().max(20).optional().describe("Same as Last-Event-ID") }),
    events: DraftStreamEventSchemas,
    errors: STREAM_ERRORS,
  },
  "GET /v1/admin/fantasy/leagues/:leagueId/rosters": {
    tag: "Admin",
    summary: "A fantasy league's rosters",
    params: z.object({ leagueId: FantasyLeagueId }),
    response: LeagueRostersResponseSchema,
    errors: [...ADMIN_ERRORS, "VALIDATION_FAILED", "STORE_UNAVAILABLE"],
  },
  "PUT /v1/admin/fantasy/leagues/:leagueId/rosters/:playerId": {
    tag: "Admin",
    summary: "Put a player on a fantasy team",
    description: "One owner per player per league: a player on another team of the league is 409 `CONFLICT`.",
    params: RosterPathParams,
    body: RosterAssignRequest,
    response: RosterAssignResponseSchema,
    statuses: { 201: "Assigned", 200: "Already on this team" },
    errors: [...ADMIN_ERRORS, ...BODY_ERRORS, "CONFLICT", "STORE_UNAVAILABLE"],
  },
  "DELETE /v1/admin/fantasy/leagues/:leagueId/rosters/:playerId": {
    tag: "Admin",
    summary: "Take a player off their fantasy team",
    params: RosterPathParams,
    statuses: { 204: "Removed" },
    errors: [...ADMIN_ERRORS, "VALIDATION_FAILED", "NOT_FOUND", "STORE_UNAVAILABLE"],
  },
} as const satisfies ContractPart;
