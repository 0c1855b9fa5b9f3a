import type { LeaderboardStreamMessage } from "../shared/leaderboard-table.ts";
import { ClientHeaders } from "../shared/cors.ts";
import type { LeaderboardChangesResponse } from "../shared/leaderboard-table.ts";
import { HttpError, NetworkError, SdkError, isAbort, toSdkError } from "./errors.ts";
import { httpErrorFrom, type HttpClient } from "./http.ts";
import type { FetchLike } from "./platform.ts";
import { readSseBody, SseParser, type SseEvent } from "./sse.ts";
import type { SseFailure } from "./transport-policy.ts";

/**
 * One attempt of each transport of a leaderboard subscription: a single SSE
 * connection from fetch to the end of its body, and a phase of long polls.
 * Each reports an {@link AttemptOutcome}; the subscription (its state
 * machine, backoff and {@link TransportPolicy}) decides what comes next.
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

/** What an attempt needs from its subscription. @internal */
export interface AttemptHost {
  readonly boardId: string;
  readonly http: HttpClient;
  readonly fetch: FetchLike;
  readonly closing: boolean;
  readonly cursor: string | undefined;
  readonly heartbeatMs: number;
  readonly watchdogFactor: number;
  readonly firstByteTimeoutMs: number;
  readonly pollWaitSeconds: number;
  query(): Record<string, string | number | undefined>;
  /** The token for this connection (refreshed once after a 401). */
  token(): Promise<string | undefined>;
  /** A 401: refresh once (`again`) or give up with an AuthError. */
  unauthorized(error: HttpError): Promise<AttemptOutcome>;
  /** Applies one event (throws a retryable SdkError on a gap, after dropping the cursor). */
  apply(message: LeaderboardStreamMessage): void;
  dropCursor(): void;
  /** A cursor the server answered without an event (an empty board). */
  adoptCursor(cursor: string): void;
  /** The transport works: bytes arrived (SSE) or a poll was answered. */
  opened(): void;
  /** Whether a long-poll phase is over (polls answered, ms since it began). */
  shouldUpgrade(polls: number, elapsedMs: number): boolean;
  setAbort(controller: AbortController | undefined): void;
}

/** Statuses a proxy (not this server) answers when it cannot or will not stream. */
const PROXY_STATUSES = new Set([405, 406, 407, 502, 504, 505]);

/** One SSE connection, from fetch to the end of its body. */
export async function streamOnce(host: AttemptHost): Promise<AttemptOutcome> {
  const controller = new AbortController();
  host.setAbort(controller);
  let why: "first-byte" | "watchdog" | "gap" | undefined;
  let gapError: SdkError | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const firstByte = setTimeout(() => {
    why = "first-byte";
    controller.abort();
  }, host.firstByteTimeoutMs);
  const clearTimers = () => {
    clearTimeout(firstByte);
    if (watchdog) clearTimeout(watchdog);
  };
  const buffered = (): AttemptOutcome => ({
    kind: "sse-failed",
    failure: "buffered",
    error: new NetworkError(`no bytes within ${host.firstByteTimeoutMs} ms of connecting (a buffering proxy?)`),
  });
  try {
    const token = await host.token();
    const headers: Record<string, string> = { [ClientHeaders.ACCEPT]: "text/event-stream", [ClientHeaders.CACHE_CONTROL]: "no-cache" };
    if (token) headers[ClientHeaders.AUTHORIZATION] = `Bearer ${token}`;
    if (host.cursor) headers[ClientHeaders.LAST_EVENT_ID] = host.cursor;
    const url = host.http.url(`/v1/leaderboards/${encodeURIComponent(host.boardId)}/stream`, host.query());
    let response: Response;
    try {
      response = await host.fetch(url, { method: "GET", headers, signal: controller.signal, cache: "no-store" });
    } catch (error) {
      if (host.closing) return { kind: "ended" };
      if (why === "first-byte") return buffered();
      // A CORS refusal, a refused or reset connection, offline: the browser says only "failed to fetch".
      const cause = error instanceof Error ? error.message : String(error);
      return { kind: "sse-failed", failure: "network", error: new NetworkError(`the stream failed: ${cause}`, { cause: error }) };
    }
    if (!response.ok) {
      clearTimers();
      const text = await response.text().catch(() => "");
      let data: unknown = text;
      try {
        data = JSON.parse(text);
      } catch {
        // a proxy's HTML page
      }
      const error = httpErrorFrom(response, data, "GET stream");
      if (response.status === 401) return await host.unauthorized(error);
      if (error.code === "BAD_CURSOR" && host.cursor !== undefined) {
        host.dropCursor(); // a cursor the server cannot read: start over from a snapshot
        return { kind: "again" };
      }
      const fromProxy = PROXY_STATUSES.has(response.status) || (error.code === "HTTP_ERROR" && ![401, 403, 404, 429, 503].includes(response.status));
      return fromProxy ? { kind: "sse-failed", failure: "blocked", error } : { kind: "error", error };
    }
    const contentType = response.headers.get("content-type") ?? "";
    if (!contentType.toLowerCase().startsWith("text/event-stream") || !response.body) {
      clearTimers();
      await response.body?.cancel().catch(() => undefined);
      const error = new SdkError("BAD_RESPONSE", `the stream answered ${contentType || "no content type"}, not text/event-stream`, { retryable: true });
      return { kind: "sse-failed", failure: "blocked", error };
    }
    let opened = false;
    const watchdogMs = host.heartbeatMs * host.watchdogFactor;
    const parser = new SseParser(
      {
        onEvent: (event) => {
          if (why) return;
          try {
            onSseEvent(host, event);
          } catch (error) {
            why = "gap";
            gapError = toSdkError(error);
            controller.abort();
          }
        },
      },
      host.cursor,
    );
    const onBytes = () => {
      if (!opened) {
        opened = true;
        clearTimeout(firstByte);
        host.opened();
      }
      if (watchdog) clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        why = "watchdog";
        controller.abort();
      }, watchdogMs);
    };
    try {
      await readSseBody(response.body, parser, onBytes);
    } catch (error) {
      if (host.closing) return { kind: "ended" };
      if (why === "first-byte") return buffered();
      if (why === "watchdog") {
        return { kind: "sse-failed", failure: "network", error: new SdkError("TIMEOUT", `no bytes for ${watchdogMs} ms (heartbeat missed)`, { retryable: true }) };
      }
      if (why === "gap") return { kind: "error", error: gapError! };
      if (isAbort(error)) return { kind: "ended" };
      return { kind: "sse-failed", failure: "network", error: new NetworkError(`the stream broke: ${error instanceof Error ? error.message : String(error)}`, { cause: error }) };
    }
    if (!opened) return { kind: "sse-failed", failure: "network", error: new NetworkError("the stream ended before any bytes") };
    return { kind: "ended" };
  } finally {
    clearTimers();
    host.setAbort(undefined);
  }
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
    const controller = new AbortController();
    host.setAbort(controller);
    let timedOut = false;
    // A hold never lasts longer than `wait`; a silent connection past that (plus slack) is dead.
    const deadline = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, (host.pollWaitSeconds + 10) * 1000);
    try {
      // The first poll of a phase is answered at once (wait=0): it proves the transport works, so the
      // subscription is `open` now, not after a quiet board's full hold; later polls are held.
      const answer = await host.http.request<LeaderboardChangesResponse>("GET", path, {
        query: { ...host.query(), after: host.cursor, wait: polls === 0 ? 0 : host.pollWaitSeconds },
        signal: controller.signal,
        retries: 0,
      });
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
      host.setAbort(undefined);
    }
  }
  return { kind: "ended" };
}
