import { AppError, type ErrorCode } from "../../shared/index.ts";

/** One ceiling: its config variable (named in the error), its value, the answer past it. */
interface Ceiling {
  max: number;
  variable: string;
  code: ErrorCode;
  retryAfter: number;
  /** "per client", "from one IP", "on this server" */
  scope: string;
}

export interface ConnectionBudgetOptions {
  /** What is counted, for messages ("concurrent streams", "pending polls"). */
  what: string;
  /** Per player (or per IP for anonymous clients). */
  perClient: { max: number; variable: string; code: ErrorCode; retryAfter: number };
  /** Per client IP, whatever tokens it uses (guest tokens are cheap). Unset: none. */
  perIp?: { max: number; variable: string; code: ErrorCode; retryAfter: number };
  /** The whole process (memory and descriptors). Unset: none. */
  total?: { max: number; variable: string; retryAfter: number };
}

/**
 * Counts long-lived HTTP connections (SSE streams, parked polls) against three
 * ceilings, in this order: per client, per IP, per process. Past the first
 * two the client is told to back off (429, it holds too many); past the
 * process's, that the server is full (503 SERVER_BUSY: retry, perhaps on
 * another process). Every refusal carries `Retry-After` and
 * `details.limit` naming the config variable.
 */
export class ConnectionBudget {
  readonly #what: string;
  readonly #perClient: Ceiling;
  readonly #perIp?: Ceiling;
  readonly #total?: Ceiling;
  readonly #byClient = new Map<string, number>();
  readonly #byIp = new Map<string, number>();
  #size = 0;

  constructor(options: ConnectionBudgetOptions) {
    this.#what = options.what;
    this.#perClient = { ...options.perClient, scope: "per client" };
    if (options.perIp) this.#perIp = { ...options.perIp, scope: "from one IP address" };
    if (options.total) this.#total = { ...options.total, code: "SERVER_BUSY", scope: "on this server" };
  }

  /** Slots taken, all clients together. */
  get size(): number {
    return this.#size;
  }

  /** Takes a slot for `clientKey` at `ip`, or throws the refusal of the first ceiling reached. */
  take(clientKey: string, ip: string): void {
    const client = this.#byClient.get(clientKey) ?? 0;
    if (client >= this.#perClient.max) throw this.#refusal(this.#perClient);
    const fromIp = this.#byIp.get(ip) ?? 0;
    if (this.#perIp && fromIp >= this.#perIp.max) throw this.#refusal(this.#perIp);
    if (this.#total && this.#size >= this.#total.max) throw this.#refusal(this.#total);
    this.#byClient.set(clientKey, client + 1);
    this.#byIp.set(ip, fromIp + 1);
    this.#size++;
  }

  /** Gives back a slot taken with the same keys. */
  give(clientKey: string, ip: string): void {
    decrement(this.#byClient, clientKey);
    decrement(this.#byIp, ip);
    this.#size = Math.max(0, this.#size - 1);
  }

  /** `take`, returning an idempotent release. */
  admit(clientKey: string, ip: string): () => void {
    this.take(clientKey, ip);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.give(clientKey, ip);
    };
  }

  #refusal(ceiling: Ceiling): AppError {
    const advice = ceiling.code === "SERVER_BUSY" ? `retry in ${ceiling.retryAfter} s (another server may have room)` : `close one, or retry in ${ceiling.retryAfter} s`;
    return new AppError(ceiling.code, `At most ${ceiling.max} ${this.#what} ${ceiling.scope} (${ceiling.variable}); ${advice}`, {
      retryAfter: ceiling.retryAfter,
      details: { limit: ceiling.variable, max: ceiling.max },
    });
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const left = (map.get(key) ?? 1) - 1;
  if (left <= 0) map.delete(key);
  else map.set(key, left);
}
