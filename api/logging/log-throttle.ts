import type { Logger } from "pino";

export interface LogThrottleOptions {
  /** Lines written per kind per window; the rest are counted. @default 10 */
  perWindow?: number;
  /** @default 60000 */
  windowMs?: number;
}

interface KindState {
  windowStart: number;
  written: number;
  suppressed: number;
  level: "warn" | "error";
  message: string;
  timer?: NodeJS.Timeout;
}

/**
 * Rate-limits repeated log lines of one kind (a flood of client errors, a
 * store outage hit by every request): the first `perWindow` lines of a kind in
 * a window are written; the rest are counted and summed up in one line when
 * the window ends ("N more … in the last 60 s"). Kinds are fixed strings
 * chosen by the caller, so the state stays as small as the set of kinds.
 */
export class LogThrottle {
  readonly #logger: Logger;
  readonly #perWindow: number;
  readonly #windowMs: number;
  readonly #kinds = new Map<string, KindState>();

  constructor(logger: Logger, options: LogThrottleOptions = {}) {
    this.#logger = logger;
    this.#perWindow = options.perWindow ?? 10;
    this.#windowMs = options.windowMs ?? 60_000;
  }

  warn(kind: string, fields: Record<string, unknown>, message: string, logger?: Logger): void {
    this.#log("warn", kind, fields, message, logger);
  }

  error(kind: string, fields: Record<string, unknown>, message: string, logger?: Logger): void {
    this.#log("error", kind, fields, message, logger);
  }

  /** `logger`: the request's child logger, when it has one (the line keeps its bindings). */
  #log(level: "warn" | "error", kind: string, fields: Record<string, unknown>, message: string, logger = this.#logger): void {
    const now = Date.now();
    let state = this.#kinds.get(kind);
    if (state && now - state.windowStart >= this.#windowMs) {
      this.#flush(kind);
      state = undefined;
    }
    if (!state) {
      state = { windowStart: now, written: 0, suppressed: 0, level, message };
      this.#kinds.set(kind, state);
    }
    if (state.written < this.#perWindow) {
      state.written++;
      logger[level]({ ...fields, kind }, message);
      return;
    }
    state.suppressed++;
    if (!state.timer) {
      state.timer = setTimeout(() => this.#flush(kind), Math.max(0, state.windowStart + this.#windowMs - now));
      state.timer.unref();
    }
  }

  #flush(kind: string): void {
    const state = this.#kinds.get(kind);
    if (!state) return;
    this.#kinds.delete(kind);
    clearTimeout(state.timer);
    if (state.suppressed === 0) return;
    this.#logger[state.level](
      { kind, suppressed: state.suppressed, windowMs: this.#windowMs },
      `${state.suppressed} more "${state.message}" lines in the last ${Math.round(this.#windowMs / 1000)} s (rate-limited: at most ${this.#perWindow} per kind)`,
    );
  }
}
