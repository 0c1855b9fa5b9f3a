import type { LeaderboardChangesResponse, LeaderboardStreamMessage } from "../shared/leaderboard-table.ts";
import { HttpError, NetworkError, SdkError, toSdkError } from "./errors.ts";
import type { HttpClient } from "./http.ts";
import type { FetchLike } from "./platform.ts";
import type { TransportLease } from "./reconnect-loop.ts";
import type { SseEvent } from "./sse.ts";
import { openSseStream, type StreamToken } from "./sse-transport.ts";
import type { SseFailure } from "./transport-policy.ts";

/**
 * One attempt of each transport of a leaderboard subscription: a single SSE
 * connection (sse-transport.ts), and a phase of long polls. Each reports an
 * {@link AttemptOutcome}; the subscription (its reconnect loop and
 * {@link TransportPolicy}) decides what comes next.
 */
export type AttemptOutcome =
  /** An open stream ended (lifetime rotation, drain): resume from the cursor. */
  | { kind: "ended" }
  /** Try again at once (a refreshed token, a dropped unreadable cursor). */
  | { kind: "again" }
  /** SSE did not work as a transport; the policy decides between a retry and a fallback. */
  | { kind: "sse-failed"; failure: SseFailure; error: SdkError }
  /** The long-poll phase is over: try SSE again. */
  | { kind: "upgrade" }
  /** An error the server answered (or a failed poll): backoff or close. */
  | { kind: "error"; error: SdkError };

/** The timing options the attempts use (leaderboard-options.ts documents them). */
export interface AttemptTimings {
  readonly heartbeatMs: number;
  readonly watchdogFactor: number;
  readonly firstByteTimeoutMs: number;
  readonly pollWaitSeconds: number;
  readonly pollSlackMs: number;
}

/** What an attempt needs from its subscription. @internal */
export interface AttemptHost {
  readonly boardId: string;
  readonly http: HttpClient;
  readonly fetch: FetchLike;
  readonly timings: AttemptTimings;
  readonly token: StreamToken;
  readonly closing: boolean;
  readonly cursor: string | undefined;
  /** A new transport of the subscription's reconnect loop. */
  begin(): TransportLease;
  query(): Record<string, string | number | undefined>;
  /** Applies one event (throws a retryable SdkError on a gap, after dropping the cursor). */
  apply(message: LeaderboardStreamMessage): void;
  dropCursor(): void;
  /** A cursor the server answered without an event (an empty board). */
  adoptCursor(cursor: string): void;
  /** The transport works: bytes arrived (SSE) or a poll was answered. */
  opened(): void;
  /** Whether a long-poll phase is over (polls answered, ms since it began). */
  shouldUpgrade(polls: number, elapsedMs: number): boolean;
}

/** Statuses a proxy (not this server) answers when it cannot or will not stream. */
const PROXY_STATUSES = new Set([405, 406, 407, 502, 504, 505]);

const sseFailed = (failure: SseFailure, error: SdkError): AttemptOutcome => ({ kind: "sse-failed", failure, error });

/** One SSE connection, from fetch to the end of its body. */
export async function streamOnce(host: AttemptHost): Promise<AttemptOutcome> {
  const lease = host.begin();
  const token = await host.token.get();
  const outcome = await openSseStream({
    fetch: host.fetch,
    url: host.http.url(`/v1/leaderboards/${encodeURIComponent(host.boardId)}/stream`, host.query()),
    what: "GET stream",
    token,
    lastEventId: host.cursor,
    signal: lease.signal,
    watchdogMs: host.timings.heartbeatMs * host.timings.watchdogFactor,
    firstByteTimeoutMs: host.timings.firstByteTimeoutMs,
    onOpen: () => {
      if (lease.current) host.opened();
    },
    onEvent: (event) => {
      if (lease.current) onSseEvent(host, event);
    },
  });
  switch (outcome.kind) {
    case "aborted":
      return { kind: "ended" };
    case "ended":
      return outcome.opened ? { kind: "ended" } : sseFailed("network", new NetworkError("the stream ended before any bytes"));
    case "refused":
      return refused(host, outcome.error);
    case "not-a-stream":
      return sseFailed("blocked", outcome.error);
    case "no-first-byte":
      return sseFailed("buffered", outcome.error);
    case "silent":
    case "broken":
      return sseFailed("network", outcome.error);
    case "rejected":
      return { kind: "error", error: outcome.error };
  }
}

/** A non-2xx answer to the stream request. */
async function refused(host: AttemptHost, error: HttpError): Promise<AttemptOutcome> {
  if (error.status === 401) {
    const denied = await host.token.rejected(error);
    return denied ? { kind: "error", error: denied } : { kind: "again" };
  }
  if (error.code === "BAD_CURSOR" && host.cursor !== undefined) {
    host.dropCursor(); // a cursor the server cannot read: start over from a snapshot
    return { kind: "again" };
  }
  const fromProxy = PROXY_STATUSES.has(error.status) || (error.code === "HTTP_ERROR" && ![401, 403, 404, 429, 503].includes(error.status));
  return fromProxy ? sseFailed("blocked", error) : { kind: "error", error };
}

function onSseEvent(host: AttemptHost, event: SseEvent): void {
  if (event.event !== "snapshot" && event.event !== "delta") return; // unknown events are ignored (forward compatibility)
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch (error) {
    throw new SdkError("BAD_RESPONSE", `a ${event.event} event is not JSON`, { cause: error, retryable: true });
  }
  host.apply({ event: event.event, id: event.id, data } as LeaderboardStreamMessage);
}

/** Long polls `/changes` from the same cursor until it is time to try SSE again, or an error. */
export async function pollUntilUpgrade(host: AttemptHost): Promise<AttemptOutcome> {
  const started = Date.now();
  let polls = 0;
  const path = `/v1/leaderboards/${encodeURIComponent(host.boardId)}/changes`;
  while (!host.closing) {
    if (host.shouldUpgrade(polls, Date.now() - started)) return { kind: "upgrade" };
    const lease = host.begin();
    let timedOut = false;
    // A hold never lasts longer than `wait`; a silent connection past that (plus slack) is dead.
    const deadline = setTimeout(() => {
      timedOut = true;
      lease.abort();
    }, host.timings.pollWaitSeconds * 1000 + host.timings.pollSlackMs);
    try {
      // The first poll of a phase is answered at once (wait=0): it proves the transport works, so the
      // subscription is `open` now, not after a quiet board's full hold; later polls are held.
      const answer = await host.http.request<LeaderboardChangesResponse>("GET", path, {
        query: { ...host.query(), after: host.cursor, wait: polls === 0 ? 0 : host.timings.pollWaitSeconds },
        signal: lease.signal,
        retries: 0,
      });
      if (!lease.current) return { kind: "ended" };
      for (const message of answer.data.events) host.apply(message);
      // An empty board answers its cursor without events: poll from there.
      if (host.cursor === undefined && answer.data.events.length === 0) host.adoptCursor(answer.data.cursor);
      host.opened();
      polls++;
    } catch (error) {
      if (host.closing) return { kind: "ended" };
      if (timedOut) return { kind: "error", error: new SdkError("TIMEOUT", "a long poll outlived its wait", { retryable: true }) };
      const sdkError = toSdkError(error);
      if (sdkError instanceof HttpError && sdkError.code === "BAD_CURSOR") {
        host.dropCursor();
        return { kind: "error", error: new SdkError("BAD_CURSOR", sdkError.message, { retryable: true, cause: sdkError }) };
      }
      return { kind: "error", error: sdkError };
    } finally {
      clearTimeout(deadline);
    }
  }
  return { kind: "ended" };
}
