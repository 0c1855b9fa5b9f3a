import type { Logger } from "pino";
import type { DraftSnapshot } from "../../store/leagues.ts";

export interface SnapshotWriterOptions {
  save: (snapshot: DraftSnapshot) => Promise<unknown>;
  logger: Logger;
  /** Pause before retrying a failed write (the store may be down). @default 1000 */
  retryMs?: number;
}

/**
 * Writes draft snapshots in the background, newest wins: at most one write in
 * flight, and a snapshot that is superseded while waiting is never written.
 * A failed write is retried (with the newest snapshot) until it lands or the
 * writer stops. The store keeps only increasing versions, so a late write of
 * an old snapshot can never overwrite a newer one.
 */
export class SnapshotWriter {
  readonly #options: SnapshotWriterOptions;
  #pending: DraftSnapshot | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: SnapshotWriterOptions) {
    this.#options = options;
  }

  write(snapshot: DraftSnapshot): void {
    if (this.#stopped) return;
    this.#pending = snapshot;
    this.#running ??= this.#drain().finally(() => (this.#running = undefined));
  }

  /** Resolves once everything written so far has landed (or the writer stopped). */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Stops retrying; a write in flight still finishes. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#wake?.();
  }

  async #drain(): Promise<void> {
    while (this.#pending && !this.#stopped) {
      const snapshot = this.#pending;
      this.#pending = undefined;
      try {
        await this.#options.save(snapshot);
      } catch (error) {
        this.#options.logger.warn({ err: error, version: snapshot.version }, "draft snapshot write failed; retrying");
        this.#pending ??= snapshot;
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          this.#timer = setTimeout(resolve, this.#options.retryMs ?? 1000);
        });
      }
    }
  }
}
