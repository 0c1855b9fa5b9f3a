/**
 * The API's view of the process lifecycle: whether it is draining, and the
 * hooks that run when the drain starts (SSE streams end cleanly, parked polls
 * are answered) so clients resume on another process.
 */
export class Lifecycle {
  #draining = false;
  readonly #hooks: (() => void | Promise<void>)[] = [];

  get draining(): boolean {
    return this.#draining;
  }

  onDrain(hook: () => void | Promise<void>): void {
    this.#hooks.push(hook);
  }

  /**
   * Marks the process draining at once (`/readyz` turns 503, new streams and
   * polls get 503 DRAINING), keeps serving for `delayMs` so a load balancer
   * notices, then runs every hook once.
   */
  async drain(delayMs = 0): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    await Promise.allSettled(this.#hooks.map(async (hook) => hook()));
  }
}
