import { ConnectionBudget } from "../limits/connection-budget.ts";

/**
 * Longest a wake-up answers waiters before yielding to the event loop (ms):
 * a big wake-up (10,000 feed followers) never blocks other requests for
 * longer. Not an operator's choice: it trades one wake-up's latency against
 * everyone else's, and only the event loop's cost per answer decides it.
 * @default 8
 */
export const WAKE_SLICE_MS = 8;

/**
 * A parked poll is held for its wait minus up to this share of it, at
 * random, so a crowd that parked together does not come back in lockstep.
 * @default 0.1
 */
export const HOLD_JITTER = 0.1;

/** `ms` shortened by a random share of up to HOLD_JITTER. */
export const jitteredHold = (ms: number): number => ms * (1 - HOLD_JITTER * Math.random());

export type WaitOutcome<T> =
  | { kind: "woken"; value: T }
  | { kind: "timeout" }
  | { kind: "aborted" }
  | { kind: "drained" };

const TIMEOUT: WaitOutcome<never> = Object.freeze({ kind: "timeout" });
const ABORTED: WaitOutcome<never> = Object.freeze({ kind: "aborted" });
const DRAINED: WaitOutcome<never> = Object.freeze({ kind: "drained" });

/**
 * One parked poll: a handle for `cancel`. Kept small on purpose — thousands
 * are held at once — so no promise, closure or AbortSignal per waiter: the
 * timer calls back into the registry with the waiter as its argument.
 */
export class Waiter<T> {
  /** Cleared once the waiter is answered (doubles as the "still pending" flag). */
  timer: NodeJS.Timeout | undefined;
  constructor(
    readonly key: string,
    readonly clientKey: string,
    readonly onOutcome: (outcome: WaitOutcome<T>) => void,
    /** The client's IP, for the per-IP ceiling (the client key when not given). */
    readonly ip: string = clientKey,
  ) {}
}

export interface WaiterRegistryOptions {
  /** Pending waits one client (IP or player) may hold at once, when no `budget` is given. @default 8 */
  maxPerClient?: number;
  /** The ceilings (per client, per IP, process-wide) parked waits count against; replaces `maxPerClient`. */
  budget?: ConnectionBudget;
  /** Called with the key when its first waiter arrives / its last one leaves (subscribe on demand). */
  onFirstWaiter?: (key: string) => void;
  onLastWaiter?: (key: string) => void;
}

/**
 * Parked long polls (RFC 6202 §2), keyed by what they wait for (a match id, the
 * feed). `wake(key, value)` answers every waiter of that key with the SAME
 * outcome object, so the caller reads the store once per wake-up, not once per
 * waiter. A waiter is removed the moment it is answered, times out, or is
 * cancelled (its client went away), so abandoned polls cost nothing after they end.
 */
export class WaiterRegistry<T> {
  readonly #byKey = new Map<string, Set<Waiter<T>>>();
  readonly #budget: ConnectionBudget;
  readonly #options: WaiterRegistryOptions;
  #size = 0;
  readonly #onTimeout = (waiter: Waiter<T>) => this.#settle(waiter, TIMEOUT, true);

  constructor(options: WaiterRegistryOptions) {
    this.#options = options;
    this.#budget =
      options.budget ??
      new ConnectionBudget({ what: "pending polls", perClient: { max: options.maxPerClient ?? 8, variable: "POLLS_PER_CLIENT", code: "TOO_MANY_POLLS", retryAfter: 1 } });
  }

  /** Number of parked waiters. */
  get size(): number {
    return this.#size;
  }

  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  keys(): IterableIterator<string> {
    return this.#byKey.keys();
  }

  /**
   * Parks a waiter; `onOutcome` is called exactly once (never synchronously
   * from `park`): woken, timed out, cancelled (`aborted`) or drained.
   * Throws the budget's refusal (TOO_MANY_POLLS per client or IP, SERVER_BUSY past the process's ceiling).
   */
  park(key: string, clientKey: string, timeoutMs: number, onOutcome: (outcome: WaitOutcome<T>) => void, ip: string = clientKey): Waiter<T> {
    this.#budget.take(clientKey, ip);
    const waiter = new Waiter(key, clientKey, onOutcome, ip);
    waiter.timer = setTimeout(this.#onTimeout, timeoutMs, waiter);
    let set = this.#byKey.get(key);
    if (!set) {
      set = new Set();
      this.#byKey.set(key, set);
      this.#options.onFirstWaiter?.(key);
    }
    set.add(waiter);
    this.#size++;
    return waiter;
  }

  /** Answers a still-pending waiter as `aborted` (its client went away); false if it was already answered. */
  cancel(waiter: Waiter<T>): boolean {
    if (waiter.timer === undefined) return false;
    this.#settle(waiter, ABORTED, true);
    return true;
  }

  /** `park` as a promise, with an optional AbortSignal (aborting answers `aborted`). */
  wait(key: string, clientKey: string, timeoutMs: number, signal?: AbortSignal): Promise<WaitOutcome<T>> {
    if (signal?.aborted) return Promise.resolve(ABORTED);
    let resolve!: (outcome: WaitOutcome<T>) => void;
    const promise = new Promise<WaitOutcome<T>>((settle) => (resolve = settle));
    const onAbort = () => this.cancel(waiter);
    // Outside the promise: TOO_MANY_POLLS throws synchronously.
    const waiter = this.park(key, clientKey, timeoutMs, (outcome) => {
      signal?.removeEventListener("abort", onAbort);
      resolve(outcome);
    });
    signal?.addEventListener("abort", onAbort, { once: true });
    return promise;
  }

  /**
   * Answers every waiter of `key` with `value`; returns how many were woken.
   * A big wake-up (10,000 feed followers) is answered in slices of at most
   * WAKE_SLICE_MS, yielding to the event loop (setImmediate) between them,
   * so game rooms keep ticking while it runs; a small one is answered before
   * this returns. A waiter that times out or is cancelled before its slice
   * is answered that way instead (once either way).
   */
  wake(key: string, value: T): number {
    const set = this.#byKey.get(key);
    if (!set) return 0;
    // Detach the whole set first: waiters that park again while being answered start a new one.
    this.#byKey.delete(key);
    this.#options.onLastWaiter?.(key);
    this.#settleInSlices([...set], { kind: "woken", value }, 0);
    return set.size;
  }

  #settleInSlices(waiters: Waiter<T>[], outcome: WaitOutcome<T>, from: number): void {
    const deadline = performance.now() + WAKE_SLICE_MS;
    let next = from;
    while (next < waiters.length) {
      this.#settle(waiters[next++]!, outcome, false);
      if ((next & 15) === 0 && performance.now() >= deadline) break;
    }
    if (next < waiters.length) setImmediate(() => this.#settleInSlices(waiters, outcome, next));
  }

  /** Answers every waiter as drained (shutdown: they re-poll elsewhere). */
  drain(): number {
    let count = 0;
    for (const key of [...this.#byKey.keys()]) {
      const set = this.#byKey.get(key)!;
      this.#byKey.delete(key);
      this.#options.onLastWaiter?.(key);
      for (const waiter of set) {
        this.#settle(waiter, DRAINED, false);
        count++;
      }
    }
    return count;
  }

  #settle(waiter: Waiter<T>, outcome: WaitOutcome<T>, removeFromSet: boolean): void {
    if (waiter.timer === undefined) return;
    clearTimeout(waiter.timer);
    waiter.timer = undefined;
    this.#size--;
    if (removeFromSet) {
      const set = this.#byKey.get(waiter.key);
      if (set?.delete(waiter) && set.size === 0) {
        this.#byKey.delete(waiter.key);
        this.#options.onLastWaiter?.(waiter.key);
      }
    }
    this.#budget.give(waiter.clientKey, waiter.ip);
    waiter.onOutcome(outcome);
  }
}
