import { applyDraftEvent, type DraftBoard } from "../shared/draft/board.ts";
import type { LeagueStandings } from "../shared/fantasy-standings.ts";
import { resolveBackoff, retryDelay, type BackoffOptions } from "./backoff.ts";
import type { ConnectionState, StateChange } from "./connection-state.ts";
import { Emitter } from "./emitter.ts";
import { NetworkError, SdkError } from "./errors.ts";
import type { HttpClient, TokenSource } from "./http.ts";
import type { FetchLike, NetworkEvents } from "./platform.ts";
import { ReconnectLoop, type Turn } from "./reconnect-loop.ts";
import type { SseEvent } from "./sse.ts";
import { openSseStream, STREAM_DEFAULTS, StreamToken } from "./sse-transport.ts";

export interface LeagueStreamOptions {
  signal?: AbortSignal;
  /** The server's heartbeat period (STREAM_HEARTBEAT_MS). @default 15000 */
  heartbeatMs?: number;
  /** No bytes for `heartbeatMs × watchdogFactor` → the stream is dead: reconnect. @default 2.5 */
  watchdogFactor?: number;
  /** Retries in a row before giving up (`retries-exhausted`). @default Infinity */
  maxAttempts?: number;
}

export interface LeagueStreamRetryEvent {
  attempt: number;
  delayMs: number;
  error: SdkError;
}

/** @internal What a league stream needs from the client. */
export interface LeagueStreamDeps {
  http: HttpClient;
  tokens: TokenSource;
  fetch: FetchLike;
  backoff?: BackoffOptions;
  network?: NetworkEvents;
  onListenerError?: (error: unknown) => void;
}

interface BaseEvents {
  state: StateChange;
  retry: LeagueStreamRetryEvent;
}

/**
 * A league's members-only SSE stream (docs/protocol.md "Fantasy leagues") on
 * the SDK's SSE transport (sse-transport.ts) and reconnect loop
 * (reconnect-loop.ts), as leaderboard subscriptions and spectating: it sends
 * the last event id back as `Last-Event-ID` when it reconnects (the server
 * replays the gap), refreshes the token once on 401, drops a cursor the
 * server refuses (BAD_CURSOR) and stops with the typed HttpError on 403
 * FORBIDDEN (not a member) or 404 NOT_FOUND.
 */
abstract class LeagueStream<Events extends BaseEvents> {
  readonly leagueId: string;
  protected readonly events: Emitter<Events>;
  readonly #deps: LeagueStreamDeps;
  readonly #path: string;
  readonly #watchdogMs: number;
  readonly #loop: ReconnectLoop;
  readonly #token: StreamToken;
  #lastEventId: string | undefined;

  constructor(deps: LeagueStreamDeps, leagueId: string, path: string, options: LeagueStreamOptions) {
    this.leagueId = leagueId;
    this.#deps = deps;
    this.#path = path;
    this.#watchdogMs = (options.heartbeatMs ?? STREAM_DEFAULTS.heartbeatMs) * (options.watchdogFactor ?? STREAM_DEFAULTS.watchdogFactor);
    this.#token = new StreamToken(deps.tokens);
    this.events = new Emitter(deps.onListenerError);
    this.#loop = new ReconnectLoop({
      backoff: resolveBackoff(deps.backoff),
      maxRetries: options.maxAttempts ?? Infinity,
      transport: () => "sse",
      onListenerError: deps.onListenerError,
      onRetry: ({ failures, delayMs, error }) => this.events.emit("retry", { attempt: failures - 1, delayMs, error } as Events["retry"]),
    });
    this.#loop.onChange((change) => this.events.emit("state", change as Events["state"]));
    this.#loop.watchSignal(options.signal, () => this.#loop.close("aborted"));
    this.#loop.watchNetwork(deps.network);
    if (options.signal?.aborted) {
      this.#loop.close("aborted");
      return;
    }
    // Started after the subclass's fields exist.
    queueMicrotask(() => {
      if (!this.#loop.closed) this.#loop.start(() => this.#turn());
    });
  }

  get state(): ConnectionState {
    return this.#loop.state;
  }

  /** Why it closed (undefined while live or after `close()`). */
  get error(): SdkError | undefined {
    return this.#loop.error;
  }

  /** The id of the last event received (sent back as `Last-Event-ID` on reconnect). */
  get lastEventId(): string | undefined {
    return this.#lastEventId;
  }

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  close(): void {
    this.#loop.close("client-close");
  }

  /** One parsed event of the stream; throwing ends the connection (it reconnects). */
  protected abstract handle(event: string, data: unknown, id: string | undefined): void;

  async #turn(): Promise<Turn> {
    const lease = this.#loop.begin();
    const token = await this.#token.get();
    const outcome = await openSseStream({
      fetch: this.#deps.fetch,
      url: this.#deps.http.url(this.#path),
      what: `GET ${this.#path}`,
      token,
      lastEventId: this.#lastEventId,
      signal: lease.signal,
      watchdogMs: this.#watchdogMs,
      onOpen: () => {
        if (!lease.current) return;
        this.#token.opened();
        this.#loop.opened();
      },
      onEvent: (event) => {
        if (lease.current) this.#onEvent(event);
      },
    });
    switch (outcome.kind) {
      case "aborted":
        return { next: "again" };
      case "ended":
        if (!outcome.opened) return { next: "retry", error: new NetworkError("the stream ended before any bytes") };
        this.#loop.lost("transport-lost", { error: new NetworkError("the stream ended") });
        return { next: "pause", ms: retryDelay(0, this.#loop.backoff) };
      case "refused": {
        if (outcome.error.code === "BAD_CURSOR" && this.#lastEventId !== undefined) {
          this.#lastEventId = undefined;
          return { next: "again" };
        }
        if (outcome.error.status !== 401) return { next: "retry", error: outcome.error };
        const denied = await this.#token.rejected(outcome.error);
        return denied ? { next: "retry", error: denied } : { next: "again" };
      }
      default:
        return { next: "retry", error: outcome.error };
    }
  }

  #onEvent(event: SseEvent): void {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch (error) {
      throw new SdkError("BAD_RESPONSE", `a ${event.event} event is not JSON`, { cause: error, retryable: true });
    }
    this.handle(event.event, data, event.id);
    if (event.id) this.#lastEventId = event.id;
  }
}

export interface StandingsEvents extends BaseEvents {
  /** The whole standings, at the start and after every change. */
  standings: LeagueStandings;
}

/** `client.leagues.subscribeStandings(id)`: a league's standings, live (`GET /v1/leagues/:id/standings/stream`). */
export class StandingsSubscription extends LeagueStream<StandingsEvents> {
  #standings: LeagueStandings | undefined;

  constructor(deps: LeagueStreamDeps, leagueId: string, options: LeagueStreamOptions = {}) {
    super(deps, leagueId, `/v1/leagues/${encodeURIComponent(leagueId)}/standings/stream`, options);
  }

  /** The newest standings (undefined until the first event). */
  get standings(): LeagueStandings | undefined {
    return this.#standings;
  }

  protected handle(event: string, data: unknown): void {
    if (event !== "standings") return; // unknown events are ignored (forward compatibility)
    this.#standings = data as LeagueStandings;
    this.events.emit("standings", this.#standings);
  }
}

/** One event of the draft feed, as the draft stream sends it. */
export interface DraftFeedEvent {
  /** `draft.picked`, `draft.clock`, …: the draft room's event names. */
  type: string;
  /** The feed seq. */
  seq: number;
  data: unknown;
}

export interface DraftFeedEvents extends BaseEvents {
  /** A fresh board (the first event, and after a gap the server no longer holds). */
  board: DraftBoard;
  /** Every feed event after the board, in order. */
  event: DraftFeedEvent;
  /** The board after every `board` or `event`. */
  change: DraftBoard;
}

/**
 * `client.leagues.draftFeed(id)`: a league's draft, live
 * (`GET /v1/leagues/:id/draft/stream`): the board, kept up to date with
 * every pick, undo and clock change (`applyDraftEvent`), and every feed event.
 */
export class DraftFeedSubscription extends LeagueStream<DraftFeedEvents> {
  #board: DraftBoard | undefined;

  constructor(deps: LeagueStreamDeps, leagueId: string, options: LeagueStreamOptions = {}) {
    super(deps, leagueId, `/v1/leagues/${encodeURIComponent(leagueId)}/draft/stream`, options);
  }

  /** The board as of the last event (undefined until the first). */
  get board(): DraftBoard | undefined {
    return this.#board;
  }

  protected handle(event: string, data: unknown, id: string | undefined): void {
    if (event === "board") {
      this.#board = data as DraftBoard;
      this.events.emit("board", this.#board);
    } else if (event.startsWith("draft.")) {
      if (this.#board) this.#board = applyDraftEvent(this.#board, event, data);
      this.events.emit("event", { type: event, seq: Number(id), data });
    } else {
      return;
    }
    if (this.#board) this.events.emit("change", this.#board);
  }
}
