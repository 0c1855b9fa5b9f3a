import type { Logger } from "pino";
import { AppError } from "../../shared/errors.ts";
import type { MatchResult, RecordedMatchResult } from "../../shared/match-result.ts";
import { matchResultIssues } from "../../shared/rules/results/consistency.ts";
import type { RecordOptions, RecordOutcome, ResultRejection, ResultRejectionReason, ResultStore, ResultsFront } from "../match-results.ts";
import type { ResultPipeline } from "./result-pipeline.ts";

export interface ResultRecorderOptions {
  store: ResultStore;
  pipeline: ResultPipeline;
  logger: Logger;
  /** Results held in memory while the store is unreachable; past it, `record` fails with STORE_UNAVAILABLE. @default 1000 */
  outboxLimit?: number;
  /** Retry backoff bounds while the store is unreachable. @default {minMs: 100, maxMs: 2000} */
  retry?: { minMs: number; maxMs: number };
  /** Called for every result refused (metrics); `source` is `room` when a room recorded it, else `admin`. */
  onRejected?: (rejection: ResultRejection) => void;
  /** The clock (ms) results' times are checked against. @default Date.now */
  clock?: () => number;
}

interface OutboxEntry {
  result: MatchResult;
  options: RecordOptions;
  promise: Promise<{ result: RecordedMatchResult; created: boolean }>;
  resolve: (value: { result: RecordedMatchResult; created: boolean }) => void;
  reject: (error: unknown) => void;
}


/**
 * The front of the results store that rooms and the admin API write through:
 * records the result, then kicks the effects pipeline. While the store
 * (Redis) is unreachable, results wait in a bounded in-process outbox, in
 * order, and are retried until it is back: nothing recorded is lost while
 * the process lives, and since `record` is idempotent by match id and the
 * pipeline is fenced, a retry of a write that did land applies nothing twice.
 */
export class ResultRecorder implements ResultsFront {
  readonly #store: ResultStore;
  readonly #pipeline: ResultPipeline;
  readonly #logger: Logger;
  readonly #limit: number;
  readonly #retry: { minMs: number; maxMs: number };
  readonly #onRejected?: (rejection: ResultRejection) => void;
  readonly #clock: () => number;
  readonly #outbox = new Map<string, OutboxEntry>();
  #timer?: NodeJS.Timeout;
  #attempt = 0;
  #flushing: Promise<void> | null = null;

  constructor(options: ResultRecorderOptions) {
    this.#store = options.store;
    this.#pipeline = options.pipeline;
    this.#logger = options.logger;
    this.#limit = options.outboxLimit ?? 1000;
    this.#retry = options.retry ?? { minMs: 100, maxMs: 2000 };
    this.#onRejected = options.onRejected;
    this.#clock = options.clock ?? Date.now;
  }

  /** Results waiting for the store. */
  get pending(): number {
    return this.#outbox.size;
  }

  /**
   * Records a result (idempotent by match id) after checking that it could
   * have happened (400 VALIDATION_FAILED with `details.issues` otherwise).
   * While the store is down this waits until the outbox has written it; it
   * rejects with STORE_UNAVAILABLE only when the outbox is full. Rooms need
   * not block their clients on it.
   */
  async record(result: MatchResult, options: RecordOptions = {}): Promise<{ result: RecordedMatchResult; created: boolean }> {
    const outcome = await this.#recordOrEnqueue(result, options);
    return outcome.status === "recorded" ? outcome : this.#outbox.get(result.matchId)!.promise;
  }

  /** Like `record`, but answers `queued` at once instead of waiting for the store (the admin API answers 202). */
  async recordOrQueue(result: MatchResult, options: RecordOptions = {}): Promise<RecordOutcome> {
    const outcome = await this.#recordOrEnqueue(result, options);
    if (outcome.status === "queued") this.#outbox.get(result.matchId)?.promise.catch(() => undefined);
    return outcome;
  }

  async #recordOrEnqueue(result: MatchResult, options: RecordOptions): Promise<RecordOutcome> {
    const issues = matchResultIssues(result, this.#clock());
    if (issues.length > 0) {
      this.#rejected("inconsistent", result, options);
      throw new AppError("VALIDATION_FAILED", `Impossible match result: ${issues[0]!.path}: ${issues[0]!.message}`, { details: { issues } });
    }
    // Keep order: while anything waits, new results queue behind it.
    if (this.#outbox.size === 0) {
      try {
        const recorded = await this.#store.record(result, options);
        this.#pipeline.kick();
        return { status: "recorded", ...recorded };
      } catch (error) {
        if (!isStoreUnavailable(error)) throw this.#refusal(error, result, options);
      }
    }
    this.#enqueue(result, options);
    return { status: "queued", matchId: result.matchId };
  }

  /** Counts a store refusal (a different result, a live room's id) and passes the error on. */
  #refusal(error: unknown, result: MatchResult, options: RecordOptions): unknown {
    const reason = (error as AppError & { details?: { reason?: string } })?.details?.reason;
    if (error instanceof AppError && error.code === "CONFLICT") this.#rejected(reason === "MATCH_LIVE" ? "match-live" : "different-result", result, options);
    return error;
  }

  #rejected(reason: ResultRejectionReason, result: MatchResult, options: RecordOptions): void {
    this.#onRejected?.({ reason, source: options.owner === undefined ? "admin" : "room", matchId: result.matchId });
  }

  #enqueue(result: MatchResult, options: RecordOptions): void {
    if (this.#outbox.has(result.matchId)) return;
    if (this.#outbox.size >= this.#limit) {
      throw new AppError("STORE_UNAVAILABLE", `The store is unavailable and ${this.#limit} results are already waiting; retry later`, { retryAfter: 5 });
    }
    let resolve!: OutboxEntry["resolve"];
    let reject!: OutboxEntry["reject"];
    const promise = new Promise<{ result: RecordedMatchResult; created: boolean }>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#outbox.set(result.matchId, { result: structuredClone(result), options, promise, resolve, reject });
    if (this.#outbox.size === 1) this.#logger.warn({ matchId: result.matchId }, "store unavailable: holding match results in the outbox");
    this.#schedule();
  }

  /** Retries now (the connection reports it is back). */
  flushSoon(): void {
    if (this.#outbox.size === 0) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#attempt = 0;
    void this.#flush();
  }

  #schedule(): void {
    if (this.#timer || this.#flushing) return;
    const delay = Math.min(this.#retry.maxMs, this.#retry.minMs * 2 ** Math.min(this.#attempt, 10));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#flush();
    }, delay);
  }

  #flush(): Promise<void> {
    this.#flushing ??= (async () => {
      try {
        for (const [matchId, entry] of this.#outbox) {
          try {
            const recorded = await this.#store.record(entry.result, entry.options);
            this.#outbox.delete(matchId);
            entry.resolve(recorded);
            this.#pipeline.kick();
          } catch (error) {
            if (isStoreUnavailable(error)) {
              this.#attempt++;
              return;
            }
            // Not an outage (a bug, or a result the store refuses): retrying cannot help.
            this.#outbox.delete(matchId);
            this.#logger.error({ err: error, matchId }, "dropping a match result the store refused");
            entry.reject(this.#refusal(error, entry.result, entry.options));
          }
        }
        this.#attempt = 0;
        this.#logger.info("outbox flushed: every held match result is recorded");
      } finally {
        this.#flushing = null;
        if (this.#outbox.size > 0) this.#schedule();
      }
    })();
    return this.#flushing;
  }

  /**
   * Shutdown: tries to write what is held until `graceMs`; anything still held
   * is logged in full (an operator can re-import it with
   * `POST /v1/admin/match-results`) and its callers are rejected.
   */
  async close(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    while (this.#outbox.size > 0 && Date.now() < deadline) {
      await this.#flush();
      if (this.#outbox.size > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(200, Math.max(0, deadline - Date.now()))));
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const [matchId, entry] of this.#outbox) {
      this.#logger.error({ matchId, result: entry.result }, "shutting down with an unrecorded match result (re-import it with POST /v1/admin/match-results)");
      entry.reject(new AppError("STORE_UNAVAILABLE", "The server shut down before the store came back"));
    }
    this.#outbox.clear();
  }

  // Reads go straight to the store.
  get(matchId: string) {
    return this.#store.get(matchId);
  }
  listByPlayer(playerId: string, options?: { limit?: number; cursor?: string }) {
    return this.#store.listByPlayer(playerId, options);
  }
  after(afterSeq: number, limit?: number) {
    return this.#store.after(afterSeq, limit);
  }
  head() {
    return this.#store.head();
  }
  claim(matchId: string, owner: string, ttlSeconds: number) {
    return this.#store.claim(matchId, owner, ttlSeconds);
  }
  releaseClaim(matchId: string, owner: string) {
    return this.#store.releaseClaim(matchId, owner);
  }
  expect(matchId: string, ttlSeconds: number) {
    return this.#store.expect(matchId, ttlSeconds);
  }
  isExpected(matchId: string) {
    return this.#store.isExpected(matchId);
  }
}

/** An outage (any backend answers STORE_UNAVAILABLE while it cannot reach its data): worth retrying. */
function isStoreUnavailable(error: unknown): boolean {
  return error instanceof AppError && error.code === "STORE_UNAVAILABLE";
}
