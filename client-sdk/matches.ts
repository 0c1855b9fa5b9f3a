import type { PlayerMatchesResponse, RecordedMatchResult } from "../shared/index.ts";
import type { PlayerMatchesOptions } from "../shared/api/client-types.ts";
import { resolveBackoff, retryDelay, type BackoffOptions, type ResolvedBackoff } from "./backoff.ts";
import { HttpError, SdkError, toSdkError } from "./errors.ts";
import { abortableDelay, type HttpClient } from "./http.ts";
import { SpectateConnection, type SpectateDeps, type SpectateHandler, type SpectateOptions } from "./spectate.ts";

export interface WaitForResultOptions {
  signal?: AbortSignal;
  /** Seconds each poll is held (the server clamps to 1..25). @default 25 */
  wait?: number;
  /** Failed polls in a row before giving up. @default Infinity */
  maxAttempts?: number;
  /** A poll silent for `wait` plus this long is dead (proxies, sleeping laptops): poll again. @default 10000 */
  pollSlackMs?: number;
}

export interface MatchFeedIteratorOptions {
  /** `epoch:seq` from a previous feed's `cursor`; omitted: only results recorded from now on. */
  after?: string;
  signal?: AbortSignal;
  /** Seconds each poll is held. @default 25 */
  wait?: number;
  /** Results per answer (1..100). @default 50 */
  limit?: number;
  /** Failed polls in a row before giving up. @default Infinity */
  maxAttempts?: number;
  /** A poll silent for `wait` plus this long is dead (proxies, sleeping laptops): poll again. @default 10000 */
  pollSlackMs?: number;
}

/** The defaults of the long-poll options of `waitForResult` and `feed`. */
export const MATCH_POLL_DEFAULTS = { wait: 25, maxAttempts: Infinity, pollSlackMs: 10_000 } as const;

/**
 * `client.matches` (docs/protocol.md "Match results (long polling)"): one
 * match's result by long polling, the ordered feed of every result as an
 * async iterator, and plain reads. Polls re-poll on timeout with
 * the returned cursor, back off with full jitter on retryable errors
 * (`Retry-After` is a floor), refresh the token once on 401 (the HTTP
 * helper), and stop with the typed error otherwise (404 → HttpError NOT_FOUND).
 */
export class MatchesClient {
  readonly #http: HttpClient;
  readonly #backoff: ResolvedBackoff;
  readonly #backoffOptions?: BackoffOptions;
  readonly #live?: Omit<SpectateDeps, "http" | "backoff">;

  /** `live`: what `spectate` needs beyond HTTP (the client passes its auth and fetch). */
  constructor(http: HttpClient, backoff?: BackoffOptions, live?: Omit<SpectateDeps, "http" | "backoff">) {
    this.#http = http;
    this.#backoff = resolveBackoff(backoff);
    this.#backoffOptions = backoff;
    this.#live = live;
  }

  /**
   * Watches a live match over SSE (`state` frames, then `finished` with the
   * result, which closes it). HttpError NOT_FOUND (closed, `error`) if the
   * match is neither running nor recorded.
   */
  spectate(matchId: string, handler: SpectateHandler, options: SpectateOptions = {}): SpectateConnection {
    if (!this.#live) throw new Error("client-sdk: this MatchesClient was made without live deps; use createClient()");
    return new SpectateConnection({ http: this.#http, backoff: this.#backoffOptions, ...this.#live }, matchId, options, handler);
  }

  /** The final result of a scheduled, running or finished match. Rejects with HttpError NOT_FOUND if it can never answer. */
  async waitForResult(matchId: string, options: WaitForResultOptions = {}): Promise<RecordedMatchResult> {
    const wait = options.wait ?? MATCH_POLL_DEFAULTS.wait;
    let cursor: string | undefined;
    let attempt = 0;
    for (;;) {
      let answer;
      try {
        answer = await this.#poll(options, wait, (signal) =>
          this.#http.call("GET /v1/matches/:id/result", { params: { id: matchId }, query: { wait, cursor }, signal, retries: 0 }),
        );
      } catch (error) {
        attempt = await this.#backoffOrThrow(error, attempt, options);
        continue;
      }
      attempt = 0;
      if (answer.final) return answer.result;
      cursor = answer.cursor; // held until `wait` ran out: poll again from where it was
    }
  }

  /**
   * Every result recorded after `after` (or from now on), oldest first,
   * each exactly once, following the server's cursors; a `reset` (the feed
   * restarted) continues from the new epoch's beginning, skipping results
   * already yielded. Stop with `break` or the signal.
   */
  feed(options: MatchFeedIteratorOptions = {}): MatchFeed {
    return new MatchFeed(this, options);
  }

  /** A recorded result; HttpError NOT_FOUND if there is none (yet). */
  get(matchId: string, options: { signal?: AbortSignal } = {}): Promise<RecordedMatchResult> {
    return this.#http.call("GET /v1/matches/:id", { params: { id: matchId }, signal: options.signal });
  }

  /** A player's results, newest first (pass `nextCursor` back as `cursor`). */
  history(playerId: string, query: PlayerMatchesOptions = {}, options: { signal?: AbortSignal } = {}): Promise<PlayerMatchesResponse> {
    return this.#http.call("GET /v1/players/:id/matches", { params: { id: playerId }, query: { ...query }, signal: options.signal });
  }

  /** @internal One feed poll with the same retry rules as waitForResult. */
  async pollFeed(options: MatchFeedIteratorOptions, after: string | undefined, attempt: number) {
    const wait = options.wait ?? MATCH_POLL_DEFAULTS.wait;
    try {
      const answer = await this.#poll(options, wait, (signal) =>
        this.#http.call("GET /v1/matches/results", { query: { after, wait, limit: options.limit }, signal, retries: 0 }),
      );
      return { answer, attempt: 0 };
    } catch (error) {
      return { answer: undefined, attempt: await this.#backoffOrThrow(error, attempt, options) };
    }
  }

  /** Runs one held request with a client-side deadline (wait + slack) and the caller's signal. */
  async #poll<T>(options: { signal?: AbortSignal; pollSlackMs?: number }, waitSeconds: number, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = options.signal;
    if (signal?.aborted) throw new SdkError("ABORTED", "aborted");
    const controller = new AbortController();
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, waitSeconds * 1000 + (options.pollSlackMs ?? MATCH_POLL_DEFAULTS.pollSlackMs));
    const onAbort = () => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await send(controller.signal);
    } catch (error) {
      if (timedOut && !signal?.aborted) throw new SdkError("TIMEOUT", "a long poll outlived its wait", { retryable: true, cause: error });
      throw error;
    } finally {
      clearTimeout(deadline);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Sleeps the backoff for a retryable error and returns the next attempt number; rethrows anything else. */
  async #backoffOrThrow(caught: unknown, attempt: number, options: { signal?: AbortSignal; maxAttempts?: number }): Promise<number> {
    const error = toSdkError(caught);
    if (options.signal?.aborted) throw new SdkError("ABORTED", "aborted", { cause: error });
    if (!error.retryable) throw error;
    if (attempt >= (options.maxAttempts ?? MATCH_POLL_DEFAULTS.maxAttempts)) {
      throw new SdkError("RETRIES_EXHAUSTED", `gave up after ${attempt} attempts: ${error.message}`, { cause: error });
    }
    await abortableDelay(retryDelay(attempt, this.#backoff, error instanceof HttpError ? error.retryAfterMs : undefined), options.signal);
    return attempt + 1;
  }
}

/** `client.matches.feed()`: an async iterable of results; `cursor` is where it stands (persist it to resume). */
export class MatchFeed implements AsyncIterable<RecordedMatchResult> {
  readonly #matches: MatchesClient;
  readonly #options: MatchFeedIteratorOptions;
  #cursor?: string;
  /** Match ids yielded lately, so a `reset` never repeats one. */
  readonly #recent = new Set<string>();

  constructor(matches: MatchesClient, options: MatchFeedIteratorOptions) {
    this.#matches = matches;
    this.#options = options;
    this.#cursor = options.after;
  }

  /** The cursor after the last result yielded (or the head, after the first answer). */
  get cursor(): string | undefined {
    return this.#cursor;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedMatchResult> {
    let attempt = 0;
    for (;;) {
      const polled = await this.#matches.pollFeed(this.#options, this.#cursor, attempt);
      attempt = polled.attempt;
      const answer = polled.answer;
      if (!answer) continue;
      for (const result of answer.results) {
        if (this.#recent.has(result.matchId)) continue;
        this.#remember(result.matchId);
        this.#cursor = `${answer.cursor.split(":")[0]}:${result.seq}`;
        yield result;
      }
      this.#cursor = answer.cursor;
    }
  }

  #remember(matchId: string): void {
    this.#recent.add(matchId);
    if (this.#recent.size > 1000) this.#recent.delete(this.#recent.values().next().value!);
  }
}
