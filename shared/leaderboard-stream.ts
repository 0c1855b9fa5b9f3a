import { z } from "zod";
import { LongPollWait } from "./match-polling.ts";
import { queryNumber } from "./validation.ts";

/**
 * Live leaderboard streams (docs/protocol.md "Leaderboard streams"): `GET /v1/leaderboards/:id/stream?top=N`
 * (SSE) and its long-poll twin `GET /v1/leaderboards/:id/changes?after=…`.
 * The events, the client's table and how events apply to it are in
 * leaderboard-table.ts (no zod: the SDK's small leaderboards bundle imports
 * it); the request validators are here. Browser-safe.
 */
export * from "./leaderboard-table.ts";

export const STREAM_TOP = { min: 1, max: 100, default: 10 } as const;

export const LeaderboardStreamQuery = z.strictObject({
  top: queryNumber("top", { min: STREAM_TOP.min, max: STREAM_TOP.max, int: true }).default(STREAM_TOP.default),
  period: z.string().regex(/^(current|all|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)$/).optional(),
  /** First connect only: resume from this cursor (later reconnects send Last-Event-ID). */
  since: z.string().max(100).optional(),
  /** For clients that cannot set headers (native EventSource). */
  access_token: z.string().max(4096).optional(),
});

/** `GET /v1/leaderboards/:id/changes`: the stream's long-poll twin (what the SDK falls back to when SSE is buffered or blocked). */
export const LeaderboardChangesQuery = LeaderboardStreamQuery.omit({ since: true }).extend({
  /** `epoch:version`, an event id; omitted: answer a snapshot at once. */
  after: z.string().max(100).optional(),
  /** Seconds to hold when nothing is new (the server clamps to LONG_POLL_MAX_WAIT_SECONDS). */
  wait: LongPollWait,
});
export type LeaderboardChangesQuery = z.input<typeof LeaderboardChangesQuery>;
