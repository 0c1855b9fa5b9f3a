import { z } from "zod";
import type { RecordedMatchResult } from "./match-result.ts";
import { queryNumber } from "./validation.ts";

/**
 * Match results over long polling (docs/protocol.md "Match results (long polling)", RFC 6202): hold up to `wait`
 * seconds (clamped to 1..25), answer at once when there is something new.
 * Browser-safe.
 */
export const LONG_POLL_WAIT = { min: 1, max: 25, default: 25 } as const;

/** `wait` of every long poll (match results, the feed, leaderboard changes): seconds; the server clamps the hold to its maximum. */
export const LongPollWait = queryNumber("wait", { min: 0, max: 3600, unit: "seconds", note: "the server holds at most LONG_POLL_MAX_WAIT_SECONDS, 25 s by default" }).default(LONG_POLL_WAIT.default);
const Wait = LongPollWait;

export const MatchResultPollQuery = z.strictObject({
  wait: Wait,
  /** The cursor from the previous answer. */
  cursor: z.string().max(100).optional(),
});

export const MatchFeedQuery = z.strictObject({
  /** `epoch:seq` from the previous answer; omitted: start at the feed's head (only results from now on). */
  after: z.string().max(100).optional(),
  wait: Wait,
  limit: queryNumber("limit", { min: 1, max: 100, int: true }).default(50),
});

/** `GET /v1/matches/:id/spectate` (SSE): only the token, for clients that cannot set headers (native EventSource). */
export const SpectateQuery = z.strictObject({ access_token: z.string().max(4096).optional() });

export const PlayerMatchesQuery = z.strictObject({
  limit: queryNumber("limit", { min: 1, max: 100, int: true }).default(20),
  cursor: z.string().max(100).optional(),
});

/** `GET /v1/matches/:id/result`: the result is there (final), or the hold timed out. */
export type MatchResultPollResponse =
  | { cursor: string; final: true; changed: true; result: RecordedMatchResult }
  | { cursor: string; final: false; changed: false };

/** `GET /v1/matches/results`: results recorded after the cursor, oldest first. */
export interface MatchFeedResponse {
  cursor: string;
  results: RecordedMatchResult[];
  changed: boolean;
  /** The cursor was from another epoch (the feed restarted): results start from the beginning of this one. */
  reset?: boolean;
}

/** `GET /v1/players/:id/matches` */
export interface PlayerMatchesResponse {
  results: RecordedMatchResult[];
  nextCursor: string | null;
}
