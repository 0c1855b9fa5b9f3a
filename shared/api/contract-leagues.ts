import { z } from "zod";
import { CreateLeagueRequest, JoinLeagueRequest, LeagueId } from "../fantasy-leagues.ts";
import { FantasyLeagueId, RosterAssignRequest, RosterPathParams } from "../fantasy.ts";
import { JoinLeagueResponseSchema, LeagueListResponseSchema, LeagueRostersResponseSchema, LeagueSchema, RosterAssignResponseSchema } from "./schemas.ts";
import { ADMIN_ERRORS, BODY_ERRORS, TOKEN_ERRORS, type ContractPart } from "./route-contract.ts";

const TAG = "Fantasy leagues";
const MEMBER_ERRORS = [...TOKEN_ERRORS, "STORE_UNAVAILABLE"] as const;

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
