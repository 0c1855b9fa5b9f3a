import { AppError } from "../../shared/index.ts";

/**
 * Per-client cap on concurrent long-lived HTTP connections (SSE streams and
 * stream-change polls), keyed by player id or IP. Shared by every stream
 * route so one client cannot open N of each kind.
 */
export class StreamAdmission {
  readonly #perClient = new Map<string, number>();
  constructor(readonly limit: number) {}

  /** Takes a slot or throws 429 TOO_MANY_STREAMS; returns the (idempotent) release. */
  admit(clientKey: string): () => void {
    const count = this.#perClient.get(clientKey) ?? 0;
    if (count >= this.limit) {
      throw new AppError("TOO_MANY_STREAMS", `At most ${this.limit} concurrent streams per client`, { retryAfter: 5 });
    }
    this.#perClient.set(clientKey, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#perClient.get(clientKey) ?? 1) - 1;
      if (left <= 0) this.#perClient.delete(clientKey);
      else this.#perClient.set(clientKey, left);
    };
  }
}
