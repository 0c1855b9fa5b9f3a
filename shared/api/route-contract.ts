import type { z } from "zod";
import type { ErrorCode } from "../errors.ts";
import type { RouteKey } from "./routes.ts";

/**
 * What the contract says about one route (contract.ts assembles them): the
 * zod schemas of its path parameters, query, body and answer, the error
 * codes it may answer, and the words of its OpenAPI operation.
 */
export interface RouteContract {
  /** The OpenAPI tag (the group the route is listed under in /docs). */
  tag: string;
  summary: string;
  /** Markdown. */
  description?: string;
  /** Path parameters, named as in the route key. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** The JSON body. */
  body?: z.ZodType;
  /** The JSON answer of a `json` or `long-poll` route. */
  response?: z.ZodType;
  /** The statuses the answer (`response`, `events` or `contentType`) comes with, and what each means. @default { 200: "OK" } */
  statuses?: Partial<Record<200 | 201 | 202 | 204 | 503, string>>;
  /** An `sse` route's events: event name → payload (`data`). */
  events?: Record<string, z.ZodType>;
  /** The media type of a `text`, `page` or `asset` route. */
  contentType?: string;
  /**
   * The codes this route may answer besides `INTERNAL` (which any route
   * may). Their statuses come from shared/errors.ts.
   */
  errors: readonly ErrorCode[];
}

/** One area's routes (a subset of the table). */
export type ContractPart = { readonly [K in RouteKey]?: RouteContract };

/** A bad or missing bearer token. */
export const TOKEN_ERRORS = ["UNAUTHORIZED", "TOKEN_EXPIRED", "TOKEN_INVALID"] as const satisfies readonly ErrorCode[];
/** What reading a JSON body may answer (before the route's own validation). */
export const BODY_ERRORS = ["VALIDATION_FAILED", "INVALID_JSON", "BAD_REQUEST", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"] as const satisfies readonly ErrorCode[];
/** The admin key is missing or wrong. */
export const ADMIN_ERRORS = ["FORBIDDEN"] as const satisfies readonly ErrorCode[];
/** Streams and long polls refuse new holds while the process drains (503, `Retry-After`). */
export const HOLD_ERRORS = ["DRAINING", "STORE_UNAVAILABLE"] as const satisfies readonly ErrorCode[];

/** Shared words of the long-poll routes (docs/protocol.md "Match results (long polling)"). */
export const LONG_POLL_NOTE =
  "**Long poll.** Answers at once when there is something new after the cursor; otherwise holds the request up to `wait` seconds " +
  "(clamped to LONG_POLL_MAX_WAIT_SECONDS, 25 by default, with a little jitter) and answers **200 with `changed: false`** when the hold ends " +
  "with nothing new: poll again at once with the cursor it returns. `wait=0` (or `HEAD`) answers without holding. " +
  "Parked polls count against POLLS_PER_CLIENT / POLLS_PER_IP / POLLS_MAX (429 `TOO_MANY_POLLS`, 503 `SERVER_BUSY`).";

/** Shared words of the SSE routes (docs/protocol.md "Leaderboard streams (SSE)", "Spectating over SSE"). */
export const SSE_NOTE =
  "**Server-sent events** (`text/event-stream`, WHATWG). The stream opens with a `retry:` hint and a comment, sends a `: heartbeat` comment " +
  "every STREAM_HEARTBEAT_MS, and is closed by the server after STREAM_LIFETIME_MS, when the token expires, or when the process drains: " +
  "reconnect (a native `EventSource` does). A browser's `EventSource` cannot set headers: pass the token as `?access_token=`. " +
  "`HEAD` answers the headers a stream would open with, at once. Streams count against STREAMS_PER_CLIENT / STREAMS_PER_IP / STREAMS_MAX.";
