import type { SeatMessage } from "../../shared/room-protocol.ts";

/**
 * The seat a room holds for this client, and the reconnect schedule that
 * fits its window. After a join (and each reconnect) the SDK asks a project
 * room how long it holds a dropped client's seat (`seat` → `seat
 * {reconnectSeconds}`, `RECONNECT_WINDOW_SECONDS` by default). When the
 * socket drops:
 *
 * - the first `reconnect` goes out at once, later ones after the usual
 *   backoff, but never longer than a fifth of the window apart (about five
 *   attempts fit in it: a 6 s outage in a 20 s window costs at most ~4 s
 *   more), and the last one lands inside it;
 * - once the window has passed (measured from the drop the client saw, which
 *   is never later than the server's own start of the window by more than
 *   the time the server took to notice), the seat is `lost`: no more
 *   `reconnect` (the server would refuse it); the connection joins again if
 *   its `rejoin` option allows, else it closes with reason `seat-lost`.
 *
 * Rooms that do not say (a custom room not built on the project's base)
 * keep the plain backoff.
 */
export type SeatState =
  /** No seat: not joined yet, or the connection closed. */
  | "none"
  /** Connected: the seat is this client's. */
  | "held"
  /** Dropped: the room holds the seat until `expiresAt` (ms since the epoch; Infinity: while the room lives). */
  | "reserved"
  /** The window passed or the room refused the reconnect: the seat is gone. */
  | "lost";

export interface SeatChange {
  seat: SeatState;
  /** For `reserved`: until when (ms since the epoch; absent when the room never said). */
  expiresAt?: number;
}

/** How close to the end of the window the last attempt may start (it needs a round trip). */
const LAST_ATTEMPT_MARGIN_MS = 500;

export class SeatWindow {
  #seconds: number | null | undefined;
  #expiresAt: number | undefined;

  /** The room's `seat` message. */
  told(message: SeatMessage): void {
    this.#seconds = message.reconnectSeconds;
  }

  /** The window the room announced: seconds, null (while the room lives), or undefined (never said). */
  get seconds(): number | null | undefined {
    return this.#seconds;
  }

  /** The socket dropped at `now`; returns when the seat expires (undefined: unknown; Infinity: never). */
  dropped(now: number): number | undefined {
    const seconds = this.#seconds;
    this.#expiresAt = seconds === undefined ? undefined : seconds === null ? Infinity : now + seconds * 1000;
    return this.#expiresAt;
  }

  get expiresAt(): number | undefined {
    return this.#expiresAt;
  }

  /** Whether the seat's window is known to be over at `now`. */
  expired(now: number): boolean {
    return this.#expiresAt !== undefined && now >= this.#expiresAt;
  }

  /**
   * The wait before the next `reconnect`, from the backoff's `delayMs`:
   * capped to a fifth of the window and kept inside it. "lost" when no
   * attempt can start inside the window any more.
   */
  reconnectDelay(delayMs: number, now: number): number | "lost" {
    const expiresAt = this.#expiresAt;
    if (expiresAt === undefined || expiresAt === Infinity || this.#seconds == null) return delayMs;
    const windowMs = this.#seconds * 1000;
    const lastStart = expiresAt - Math.min(LAST_ATTEMPT_MARGIN_MS, windowMs / 10);
    if (now >= lastStart) return "lost";
    return Math.max(0, Math.min(delayMs, windowMs / 5, lastStart - now));
  }
}

/** A connection's seat: its state (each change a `seat` event) and the window the room announced. */
export class Seat {
  readonly window = new SeatWindow();
  readonly #emit: (change: SeatChange) => void;
  #state: SeatState = "none";

  constructor(emit: (change: SeatChange) => void) {
    this.#emit = emit;
  }

  get state(): SeatState {
    return this.#state;
  }

  /** While `reserved`: until when the room holds the seat (ms since the epoch; Infinity: while the room lives). */
  get expiresAt(): number | undefined {
    return this.#state === "reserved" ? this.window.expiresAt : undefined;
  }

  /** Connected: the seat is this client's. */
  hold(): void {
    this.#set("held");
  }

  /** The socket dropped at `now`: reserved until the window ends (`lost` at once when the room holds none). */
  dropped(now: number): void {
    const expiresAt = this.window.dropped(now);
    this.#set(this.window.seconds === 0 ? "lost" : "reserved", expiresAt);
  }

  /** The window passed, or the room refused the seat or closed the connection: it is gone. */
  lose(): void {
    this.#set("lost");
  }

  /** The connection closed: a seat it still had is `none` now. */
  release(): void {
    if (this.#state === "held" || this.#state === "reserved") this.#set("none");
  }

  #set(seat: SeatState, expiresAt?: number): void {
    if (seat === this.#state && seat !== "reserved") return;
    this.#state = seat;
    this.#emit(expiresAt === undefined ? { seat } : { seat, expiresAt });
  }
}
