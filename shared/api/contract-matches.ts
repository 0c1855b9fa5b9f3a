import { z } from "zod";
import { OwnerId } from "../leaderboards.ts";
import { MatchId, MatchResultSchema } from "../match-result.ts";
import { MatchFeedQuery, MatchResultPollQuery, PlayerMatchesQuery, SpectateQuery } from "../match-polling.ts";
import {
  AdminMatchResultResponseSchema,
  MatchFeedResponseSchema,
  MatchResultPollResponseSchema,
  PlayerMatchesResponseSchema,
  RecordedMatchResultSchema,
  SpectateEventSchemas,
} from "./schemas.ts";
import { ADMIN_ERRORS, BODY_ERRORS, HOLD_ERRORS, LONG_POLL_NOTE, SSE_NOTE, TOKEN_ERRORS, type ContractPart } from "./route-contract.ts";

const Match = z.object({ id: MatchId });
const TAG = "Match results";
const POLL_ERRORS = ["VALIDATION_FAILED", ...TOKEN_ERRORS, "TOO_MANY_POLLS", "SERVER_BUSY", ...HOLD_ERRORS] as const;

/** Match results over HTTP: long polls, the feed, history, spectating (docs/protocol.md "Match results (long polling)"). */
export const MATCH_CONTRACT = {
  "GET /v1/matches/results": {
    tag: TAG,
    summary: "Follow the results feed (long poll)",
    description:
      `${LONG_POLL_NOTE}\n\nEvery result recorded after \`after\` (\`epoch:seq\`), oldest first. Without \`after\`: the head's cursor at once. ` +
      "Following `cursor` from answer to answer yields every result exactly once. A cursor from another epoch, or ahead of the head, " +
      "answers from the start of the current epoch with `reset: true`; a malformed one is 400 `BAD_CURSOR`.",
    query: MatchFeedQuery,
    response: MatchFeedResponseSchema,
    errors: [...POLL_ERRORS, "BAD_CURSOR"],
  },
  "GET /v1/matches/:id/result": {
    tag: TAG,
    summary: "Wait for a match's result (long poll)",
    description:
      `${LONG_POLL_NOTE}\n\nThe result when it exists (\`final: true\`); while the match is scheduled or running, holds and answers ` +
      "`final: false, changed: false` with a `cursor` to send back. 404 for an id that is neither running nor recorded (it can never answer).",
    params: Match,
    query: MatchResultPollQuery,
    response: MatchResultPollResponseSchema,
    errors: [...POLL_ERRORS, "NOT_FOUND"],
  },
  "GET /v1/matches/:id": {
    tag: TAG,
    summary: "Read a recorded match result",
    params: Match,
    response: RecordedMatchResultSchema,
    errors: [...TOKEN_ERRORS, "NOT_FOUND", "STORE_UNAVAILABLE"],
  },
  "GET /v1/matches/:id/spectate": {
    tag: TAG,
    summary: "Spectate a live match (SSE)",
    description:
      `${SSE_NOTE}\n\nEvents: \`state\` (a frame of the game, SPECTATE_RATE_HZ times a second, no id: frames are not resumable) and one ` +
      "final `finished` with the recorded result, after which the server ends the stream (at once for a match already recorded).",
    params: Match,
    query: SpectateQuery,
    events: SpectateEventSchemas,
    errors: ["VALIDATION_FAILED", ...TOKEN_ERRORS, "NOT_FOUND", "TOO_MANY_STREAMS", "SERVER_BUSY", ...HOLD_ERRORS],
  },
  "GET /v1/players/:id/matches": {
    tag: TAG,
    summary: "A player's match history",
    description: "Newest first, `limit` results from `cursor`.",
    params: z.object({ id: OwnerId }),
    query: PlayerMatchesQuery,
    response: PlayerMatchesResponseSchema,
    errors: ["VALIDATION_FAILED", "BAD_CURSOR", ...TOKEN_ERRORS, "NOT_FOUND", "STORE_UNAVAILABLE"],
  },
  "POST /v1/admin/match-results": {
    tag: "Admin",
    summary: "Record a match result played elsewhere",
    description:
      "Recorded through the same front as a game room's result (idempotent by `matchId`): 201 recorded, 200 already recorded (the same result), " +
      "202 held in the outbox while the store is down. A different result for a recorded match, or one for a match a room is playing, is 409.",
    body: MatchResultSchema,
    response: AdminMatchResultResponseSchema,
    statuses: { 201: "Recorded", 200: "Already recorded (the same result)", 202: "Queued: the store is down; it is recorded when it is back" },
    errors: [...ADMIN_ERRORS, ...BODY_ERRORS, "CONFLICT", "STORE_UNAVAILABLE"],
  },
} as const satisfies ContractPart;
