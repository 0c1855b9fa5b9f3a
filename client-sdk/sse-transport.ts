import { ClientHeaders } from "../shared/cors.ts";
import { AuthError, NetworkError, SdkError, isAbort, toSdkError, type HttpError } from "./errors.ts";
import { httpErrorFrom, type TokenSource } from "./http.ts";
import type { FetchLike } from "./platform.ts";
import { readSseBody, SseParser, type SseEvent } from "./sse.ts";

/**
 * The SDK's one SSE transport, used by leaderboard subscriptions and
 * spectator streams: a `fetch` whose body is read through the WHATWG
 * parser (sse.ts), so it can send `Authorization` and `Last-Event-ID`
 * (native EventSource cannot) and runs in browsers and Node alike. One call
 * is one connection, from the request to the end of its body, guarded by two
 * timers: the first bytes must come within `firstByteTimeoutMs` of the
 * request, and later bytes within `watchdogMs` of each other (the server's
 * heartbeat keeps a quiet stream alive; docs/protocol.md "Leaderboard
 * streams"). It reports how the connection ended ({@link SseOutcome}); the
 * caller's reconnect loop (reconnect-loop.ts) decides what comes next.
 */

/** Defaults of every stream's timing options (leaderboard subscriptions, spectating). */
export const STREAM_DEFAULTS = {
  /** The server's heartbeat period (`STREAM_HEARTBEAT_MS`). */
  heartbeatMs: 15_000,
  /** No bytes for `heartbeatMs × watchdogFactor`: the stream is dead, reconnect. */
  watchdogFactor: 2.5,
} as const;

export interface SseRequest {
  fetch: FetchLike;
  url: string;
  /** Names the request in error messages ("GET stream"). */
  what: string;
  token?: string;
  /** Sent as `Last-Event-ID` and given to the parser: where a resumed stream starts. */
  lastEventId?: string;
  /** The transport's signal (reconnect-loop.ts `begin()`): aborting it ends the connection with `aborted`. */
  signal: AbortSignal;
  /** No bytes for this long after the first ones: `silent`. */
  watchdogMs: number;
  /** The first bytes must come within this long of the request: else `no-first-byte`. @default watchdogMs */
  firstByteTimeoutMs?: number;
  /** The first bytes arrived: the stream is open. */
  onOpen(): void;
  /** One dispatched event; a throw ends the connection with `rejected`. */
  onEvent(event: SseEvent): void;
}

export type SseOutcome =
  /** The server ended the body (`opened`: after bytes). */
  | { kind: "ended"; opened: boolean }
  /** The transport's signal fired (the connection is closing). */
  | { kind: "aborted" }
  /** A non-2xx answer (`error.status`, the server's code when it sent one). */
  | { kind: "refused"; error: HttpError }
  /** 2xx, but no body or a content type other than `text/event-stream` (a proxy's page). */
  | { kind: "not-a-stream"; error: SdkError }
  /** No bytes within the first-byte deadline (a proxy that buffers the stream, or no answer at all). */
  | { kind: "no-first-byte"; error: NetworkError }
  /** The stream went silent past the watchdog (heartbeat missed). */
  | { kind: "silent"; error: SdkError }
  /** The request failed, or the body broke (`opened`: after bytes). */
  | { kind: "broken"; error: NetworkError; opened: boolean }
  /** `onEvent` threw this. */
  | { kind: "rejected"; error: SdkError };

/** One SSE connection, from the request to the end of its body. Never rejects. */
export async function openSseStream(request: SseRequest): Promise<SseOutcome> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  request.signal.addEventListener("abort", onAbort, { once: true });
  if (request.signal.aborted) controller.abort();
  let why: "first-byte" | "watchdog" | "rejected" | undefined;
  let rejection: SdkError | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const firstByteMs = request.firstByteTimeoutMs ?? request.watchdogMs;
  const stopAfter = (reason: NonNullable<typeof why>) => () => {
    why ??= reason;
    controller.abort();
  };
  const firstByte = setTimeout(stopAfter("first-byte"), firstByteMs);
  const stopTimers = () => {
    clearTimeout(firstByte);
    clearTimeout(watchdog);
  };
  /** Why the connection stopped, when it was the transport's own doing. */
  const stopped = (): SseOutcome | undefined => {
    if (request.signal.aborted) return { kind: "aborted" };
    if (why === "first-byte") return { kind: "no-first-byte", error: new NetworkError(`no bytes within ${firstByteMs} ms of connecting (a buffering proxy?)`) };
    if (why === "watchdog") return { kind: "silent", error: new SdkError("TIMEOUT", `no bytes for ${request.watchdogMs} ms (heartbeat missed)`, { retryable: true }) };
    if (why === "rejected") return { kind: "rejected", error: rejection! };
    return undefined;
  };
  try {
    let response: Response;
    try {
      response = await request.fetch(request.url, { method: "GET", headers: headersFor(request), signal: controller.signal, cache: "no-store" });
    } catch (error) {
      // A CORS refusal, a refused or reset connection, offline: the browser says only "failed to fetch".
      return stopped() ?? { kind: "broken", opened: false, error: new NetworkError(`the stream failed: ${messageOf(error)}`, { cause: error }) };
    }
    if (!response.ok) {
      stopTimers();
      return { kind: "refused", error: await httpErrorOf(response, request.what) };
    }
    const contentType = response.headers.get("content-type") ?? "";
    if (!contentType.toLowerCase().startsWith("text/event-stream") || !response.body) {
      stopTimers();
      await response.body?.cancel().catch(() => undefined);
      const error = new SdkError("BAD_RESPONSE", `the stream answered ${contentType || "no content type"}, not text/event-stream`, { retryable: true });
      return { kind: "not-a-stream", error };
    }
    let opened = false;
    const parser = new SseParser(
      {
        onEvent: (event) => {
          if (why) return;
          try {
            request.onEvent(event);
          } catch (error) {
            rejection = toSdkError(error);
            stopAfter("rejected")();
          }
        },
      },
      request.lastEventId,
    );
    const onBytes = () => {
      if (!opened) {
        opened = true;
        clearTimeout(firstByte);
        request.onOpen();
      }
      clearTimeout(watchdog);
      watchdog = setTimeout(stopAfter("watchdog"), request.watchdogMs);
    };
    try {
      await readSseBody(response.body, parser, onBytes);
    } catch (error) {
      const outcome = stopped();
      if (outcome) return outcome;
      // An abort nobody here asked for (the platform's): the stream simply ended.
      if (isAbort(error)) return { kind: "ended", opened };
      return { kind: "broken", opened, error: new NetworkError(`the stream broke: ${messageOf(error)}`, { cause: error }) };
    }
    return { kind: "ended", opened };
  } finally {
    stopTimers();
    request.signal.removeEventListener("abort", onAbort);
  }
}

function headersFor(request: SseRequest): Record<string, string> {
  const headers: Record<string, string> = { [ClientHeaders.ACCEPT]: "text/event-stream", [ClientHeaders.CACHE_CONTROL]: "no-cache" };
  if (request.token) headers[ClientHeaders.AUTHORIZATION] = `Bearer ${request.token}`;
  if (request.lastEventId) headers[ClientHeaders.LAST_EVENT_ID] = request.lastEventId;
  return headers;
}

async function httpErrorOf(response: Response, what: string): Promise<HttpError> {
  const text = await response.text().catch(() => "");
  let data: unknown = text;
  try {
    data = JSON.parse(text);
  } catch {
    // not JSON: a proxy's page
  }
  return httpErrorFrom(response, data, what);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The token of a stream: asked for before each connection, refreshed once
 * after a 401 (the next connection uses the new one as it is), and that
 * allowance given back once a connection opens. A second 401 in a row is
 * an AuthError.
 */
export class StreamToken {
  readonly #tokens: TokenSource;
  #token?: string;
  #refreshed = false;

  constructor(tokens: TokenSource) {
    this.#tokens = tokens;
  }

  /** The token for the next connection. */
  async get(): Promise<string | undefined> {
    if (!this.#refreshed) this.#token = await this.#tokens.getToken({ reason: "connect" });
    return this.#token;
  }

  /** The server answered 401: undefined after a refresh (try again at once), or the AuthError to close with. */
  async rejected(error: HttpError): Promise<AuthError | undefined> {
    if (this.#refreshed) return new AuthError(error.code, error.message, { status: 401, cause: error });
    this.#refreshed = true;
    this.#token = await this.#tokens.getToken({ reason: "rejected", token: this.#token });
    return undefined;
  }

  /** A connection opened: the next 401 may refresh again. */
  opened(): void {
    this.#refreshed = false;
  }
}
