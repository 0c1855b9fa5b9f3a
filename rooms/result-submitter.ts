import { AppError, type MatchResult } from "../shared/index.ts";
import type { MatchResultStore } from "../store/match-results.ts";

/** The slice of a pino logger the submitter uses. */
export interface SubmitterLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ResultSubmitterOptions {
  store: Pick<MatchResultStore, "record">;
  logger: SubmitterLogger;
  /** The room recording its own match (its room id): the store accepts the result only from the id's owner. */
  owner?: string;
  /** Timer the retries use (a room passes its clock so timers die with the room). */
  schedule?: (fn: () => void, ms: number) => { clear(): void };
  /** First retry delay; doubles per attempt up to `maxDelayMs`. @default 250 */
  initialDelayMs?: number;
  /** @default 30_000 */
  maxDelayMs?: number;
  /** [0, 1) source for the jitter (tests pass a constant). @default Math.random */
  random?: () => number;
}

/**
 * Hands a finished match's result to the store exactly once per room:
 * `submit` is a no-op after the first call (a room that reaches `finished`
 * twice records once), and the store's own idempotency by match id covers
 * a retry whose first attempt actually landed. A failing store (Redis down) is
 * retried with capped, jittered exponential backoff and logged; a result the
 * store refuses for good (VALIDATION_FAILED: it cannot have happened;
 * CONFLICT: the id is not this room's) is logged at error level and not
 * retried (the store counts it in `match_results_rejected_total`). It never
 * throws into the room.
 */
export class ResultSubmitter {
  readonly #options: Required<Omit<ResultSubmitterOptions, "store" | "logger" | "owner">> & Pick<ResultSubmitterOptions, "store" | "logger" | "owner">;
  #result?: MatchResult;
  #done: Promise<void> | null = null;
  #resolveDone?: () => void;
  #timer?: { clear(): void };
  #attempts = 0;
  #recorded = false;
  #refused: AppError | undefined;
  #stopped = false;

  constructor(options: ResultSubmitterOptions) {
    this.#options = {
      schedule: (fn, ms) => {
        const timer = setTimeout(fn, ms);
        return { clear: () => clearTimeout(timer) };
      },
      initialDelayMs: 250,
      maxDelayMs: 30_000,
      random: Math.random,
      ...options,
    };
  }

  get recorded(): boolean {
    return this.#recorded;
  }

  /** The store refused the result for good (it cannot have happened, or the id is not this room's): no retry. */
  get refused(): AppError | undefined {
    return this.#refused;
  }

  get attempts(): number {
    return this.#attempts;
  }

  /** The submitted result, if any. */
  get result(): MatchResult | undefined {
    return this.#result;
  }

  /** Resolves once the store accepted the result (or `stop()` gave up). Later calls return the first promise. */
  submit(result: MatchResult): Promise<void> {
    if (this.#done) return this.#done;
    this.#result = result;
    this.#done = new Promise<void>((resolve) => (this.#resolveDone = resolve));
    void this.#attempt();
    return this.#done;
  }

  /** Stops retrying (room disposal). Logs a result that never landed. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#timer?.clear();
    if (this.#result && !this.#recorded) {
      this.#options.logger.error({ matchId: this.#result.matchId, attempts: this.#attempts }, "match result was never recorded; giving up");
    }
    this.#resolveDone?.();
  }

  async #attempt(): Promise<void> {
    const result = this.#result!;
    if (this.#stopped) return;
    this.#attempts++;
    try {
      const { created } = await this.#options.store.record(result, this.#options.owner === undefined ? undefined : { owner: this.#options.owner });
      this.#recorded = true;
      this.#options.logger.info({ matchId: result.matchId, created, attempts: this.#attempts }, "match result recorded");
      this.#resolveDone?.();
    } catch (error) {
      if (this.#stopped) return;
      if (error instanceof AppError && (error.code === "VALIDATION_FAILED" || error.code === "CONFLICT")) {
        // Retrying cannot change the answer. Loud: a room built a result the store will never hold.
        this.#refused = error;
        this.#options.logger.error({ err: error, matchId: result.matchId, details: error.details, result }, "the store refused this room's match result; not retrying");
        this.#resolveDone?.();
        return;
      }
      const ceiling = Math.min(this.#options.maxDelayMs, this.#options.initialDelayMs * 2 ** (this.#attempts - 1));
      // "Equal jitter": at least half the ceiling, so retries back off for sure but rooms do not retry in lockstep.
      const delay = Math.round(ceiling / 2 + (this.#options.random() * ceiling) / 2);
      this.#options.logger.warn({ err: error, matchId: result.matchId, attempts: this.#attempts, retryInMs: delay }, "recording the match result failed; retrying");
      this.#timer = this.#options.schedule(() => void this.#attempt(), delay);
    }
  }
}
