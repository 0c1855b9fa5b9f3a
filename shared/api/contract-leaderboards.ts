import { z } from "zod";
import { LeaderboardChangesQuery, LeaderboardStreamQuery } from "../leaderboard-stream.ts";
import {
  LeaderboardAroundQuery,
  LeaderboardConfigInput,
  LeaderboardConfigPatch,
  LeaderboardId,
  LeaderboardPageQuery,
  LeaderboardPlayerQuery,
  OwnerId,
  ScoreWriteRequest,
} from "../leaderboards.ts";
import {
  LeaderboardAroundResponseSchema,
  LeaderboardChangesResponseSchema,
  LeaderboardConfigSchema,
  LeaderboardListResponseSchema,
  LeaderboardPageSchema,
  LeaderboardPlayerResponseSchema,
  LeaderboardStreamEventSchemas,
  ScoreWriteResponseSchema,
} from "./leaderboard-schemas.ts";
import { ADMIN_ERRORS, BODY_ERRORS, HOLD_ERRORS, LONG_POLL_NOTE, SSE_NOTE, TOKEN_ERRORS, type ContractPart } from "./route-contract.ts";

const Board = z.object({ id: LeaderboardId });
const BoardAndPlayer = z.object({ id: LeaderboardId, playerId: OwnerId });
/** A private (league-members) board answers 401/403 without a member's token; an unknown board or record 404. */
const READ_ERRORS = ["VALIDATION_FAILED", "NOT_FOUND", "FORBIDDEN", ...TOKEN_ERRORS, "STORE_UNAVAILABLE"] as const;
const TAG = "Leaderboards";

/** Leaderboard reads, live streams and their admin writes (docs/protocol.md "Leaderboards"). */
export const LEADERBOARD_CONTRACT = {
  "GET /v1/leaderboards": {
    tag: TAG,
    summary: "List the public leaderboards",
    description: "Every public board's config (every board, private ones included, with `X-Admin-Key`).",
    response: LeaderboardListResponseSchema,
    errors: ["STORE_UNAVAILABLE"],
  },
  "GET /v1/leaderboards/:id": {
    tag: TAG,
    summary: "Read a page of a leaderboard",
    description: "The top of a period, `limit` records from `cursor` (keyset pagination). A `league-members` board needs a member's token or the admin key.",
    params: Board,
    query: LeaderboardPageQuery,
    response: LeaderboardPageSchema,
    errors: [...READ_ERRORS, "BAD_CURSOR"],
  },
  "GET /v1/leaderboards/:id/players/:playerId": {
    tag: TAG,
    summary: "Read one owner's record",
    params: BoardAndPlayer,
    query: LeaderboardPlayerQuery,
    response: LeaderboardPlayerResponseSchema,
    errors: READ_ERRORS,
  },
  "GET /v1/leaderboards/:id/around/:playerId": {
    tag: TAG,
    summary: "Read the records around an owner",
    params: BoardAndPlayer,
    query: LeaderboardAroundQuery,
    response: LeaderboardAroundResponseSchema,
    errors: READ_ERRORS,
  },
  "GET /v1/leaderboards/:id/stream": {
    tag: TAG,
    summary: "Stream a leaderboard's top N (SSE)",
    description:
      `${SSE_NOTE}\n\nEvents: \`snapshot\` (replaces the client's table) and \`delta\` (the change of the top N from \`prevVersion\` as \`ops\`, applied in order: ` +
      "`remove`, `move`, `insert`, `update`; docs/protocol.md has a worked example), each with " +
      "the id `epoch:version`. A reconnect with `Last-Event-ID` (or `?since=` on the first connect) resumes: the missed deltas, or a snapshot " +
      "when they are no longer kept. A malformed cursor is 400 `BAD_CURSOR`. The SDK's `leaderboards.subscribe` falls back to `/changes` when SSE is buffered or blocked.",
    params: Board,
    query: LeaderboardStreamQuery,
    events: LeaderboardStreamEventSchemas,
    errors: [...READ_ERRORS, "BAD_CURSOR", "TOO_MANY_STREAMS", "SERVER_BUSY", ...HOLD_ERRORS],
  },
  "GET /v1/leaderboards/:id/changes": {
    tag: TAG,
    summary: "Long-poll a leaderboard's changes (the stream's twin)",
    description:
      `${LONG_POLL_NOTE}\n\nThe same events as the stream, from the same cursor (\`after\` = an event id): without \`after\`, a snapshot at once. ` +
      "Changes polls count against the stream limits (STREAMS_PER_CLIENT, 429 `TOO_MANY_STREAMS`).",
    params: Board,
    query: LeaderboardChangesQuery,
    response: LeaderboardChangesResponseSchema,
    errors: [...READ_ERRORS, "BAD_CURSOR", "TOO_MANY_STREAMS", "SERVER_BUSY", ...HOLD_ERRORS],
  },
  "POST /v1/admin/leaderboards": {
    tag: "Admin",
    summary: "Create a leaderboard",
    body: LeaderboardConfigInput,
    response: LeaderboardConfigSchema,
    statuses: { 201: "Created" },
    errors: [...ADMIN_ERRORS, ...BODY_ERRORS, "CONFLICT", "STORE_UNAVAILABLE"],
  },
  "PATCH /v1/admin/leaderboards/:id": {
    tag: "Admin",
    summary: "Update a leaderboard's config",
    description: "Title, operator, reset schedule, metadata, visibility; `sort` cannot change (409 `CONFLICT`: create a new board).",
    params: Board,
    body: LeaderboardConfigPatch,
    response: LeaderboardConfigSchema,
    errors: [...ADMIN_ERRORS, ...BODY_ERRORS, "NOT_FOUND", "CONFLICT", "STORE_UNAVAILABLE"],
  },
  "POST /v1/admin/leaderboards/:id/records": {
    tag: "Admin",
    summary: "Write scores directly",
    description: "Submissions combine with each owner's record by the board's operator. Clients never write scores: match results and this route do.",
    params: Board,
    body: ScoreWriteRequest,
    response: ScoreWriteResponseSchema,
    errors: [...ADMIN_ERRORS, ...BODY_ERRORS, "NOT_FOUND", "STORE_UNAVAILABLE"],
  },
} as const satisfies ContractPart;
