import { AppError } from "../../shared/index.ts";

export type WaitOutcome<T> =
  | { kind: "woken"; value: T }
  | { kind: "timeout" }
  | { kind: "aborted" }
  | { kind: "drained" };

interface Waiter<T> {
  key: string;
  clientKey: string;
  resolve: (outcome: WaitOutcome<T>) => void;
  timer: NodeJS.Timeout;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export interface WaiterRegistryOptions {
  /** Pending waits one client (IP or player) may hold at once. @default 8 */
  maxPerClient: number;
  /** Called with the key when its first waiter arrives / its last one leaves (subscribe on demand). */
  onFirstWaiter?: (key: string) => void;
  onLastWaiter?: (key: string) => void;
}

/**
 * Parked long polls (RFC 6202 §2), keyed by what they wait for (a match id, the
 * feed). `wake(key, value)` answers every waiter of that key with the SAME
 * value, so the caller reads the store once per wake-up, not once per waiter.
 * A waiter is removed the moment it is answered, times out, or its client
 * goes away (AbortSignal), so abandoned polls cost nothing after they end.
 */
export class WaiterRegistry<T> {
  readonly #byKey = new Map<string, Set<Waiter<T>>>();
  readonly #perClient = new Map<string, number>();
  readonly #options: WaiterRegistryOptions;

  constructor(options: WaiterRegistryOptions) {
    this.#options = options;
  }

  /** Number of parked waiters. */
  get size(): number {
    let total = 0;
    for (const set of this.#byKey.values()) total += set.size;
    return total;
  }

  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  keys(): IterableIterator<string> {
    return this.#byKey.keys();
  }

  /** Parks until woken, timed out, aborted or drained. Throws TOO_MANY_POLLS past the per-client cap. */
  wait(key: string, clientKey: string, timeoutMs: number, signal?: AbortSignal): Promise<WaitOutcome<T>> {
    if (signal?.aborted) return Promise.resolve({ kind: "aborted" });
    const pending = this.#perClient.get(clientKey) ?? 0;
    if (pending >= this.#options.maxPerClient) {
      throw new AppError("TOO_MANY_POLLS", `At most ${this.#options.maxPerClient} pending polls per client`, { retryAfter: 1 });
    }
    return new Promise((resolve) => {
      let settled = false;
      const waiter: Waiter<T> = {
        key,
        clientKey,
        signal,
        resolve: (outcome) => {
          if (settled) return;
          settled = true;
          this.#remove(waiter);
          resolve(outcome);
        },
        timer: setTimeout(() => waiter.resolve({ kind: "timeout" }), timeoutMs),
      };
      if (signal) {
        waiter.onAbort = () => waiter.resolve({ kind: "aborted" });
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      let set = this.#byKey.get(key);
      if (!set) {
        set = new Set();
        this.#byKey.set(key, set);
        this.#options.onFirstWaiter?.(key);
      }
      set.add(waiter);
      this.#perClient.set(clientKey, pending + 1);
    });
  }

  /** Answers every waiter of `key` with `value`; returns how many were woken. */
  wake(key: string, value: T): number {
    const set = this.#byKey.get(key);
    if (!set) return 0;
    const waiters = [...set];
    for (const waiter of waiters) waiter.resolve({ kind: "woken", value });
    return waiters.length;
  }

  /** Answers every waiter as drained (shutdown: they re-poll elsewhere). */
  drain(): number {
    let count = 0;
    for (const set of [...this.#byKey.values()]) {
      for (const waiter of [...set]) {
        waiter.resolve({ kind: "drained" });
        count++;
      }
    }
    return count;
  }

  #remove(waiter: Waiter<T>): void {
    clearTimeout(waiter.timer);
    if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
    const set = this.#byKey.get(waiter.key);
    if (set?.delete(waiter) && set.size === 0) {
      this.#byKey.delete(waiter.key);
      this.#options.onLastWaiter?.(waiter.key);
    }
    const left = (this.#perClient.get(waiter.clientKey) ?? 1) - 1;
    if (left <= 0) this.#perClient.delete(waiter.clientKey);
    else this.#perClient.set(waiter.clientKey, left);
  }
}
