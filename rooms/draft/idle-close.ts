import type { ClockTimer, Delayed } from "@colyseus/timer";
import type { Logger } from "pino";

export interface IdleCloseOptions {
  /** The room's clock (its timers stop with the room). */
  clock: Pick<ClockTimer, "setTimeout">;
  /** DRAFT_IDLE_CLOSE_SECONDS. */
  idleCloseSeconds: number;
  logger: Logger;
  roomId: string;
  leagueId: string;
  /** Closes the room (with 4107). */
  close: () => Promise<unknown>;
}

/**
 * A paused draft nobody is connected to would wait in memory forever
 * (its seats are held for the whole draft): after `idleCloseSeconds` it
 * is snapshotted and closed, and the next join restores it. A running
 * draft needs no such rule: its clock autopicks it to the end.
 */
export class IdleClose {
  readonly #options: IdleCloseOptions;
  #timer: Delayed | undefined;

  constructor(options: IdleCloseOptions) {
    this.#options = options;
  }

  /** Starts the countdown while `idle` (once), stops it as soon as not. */
  watch(idle: boolean): void {
    if (!idle) {
      this.#timer?.clear();
      this.#timer = undefined;
      return;
    }
    const { clock, idleCloseSeconds, logger, roomId, leagueId, close } = this.#options;
    this.#timer ??= clock.setTimeout(() => {
      this.#timer = undefined;
      logger.info({ roomId, leagueId, idleSeconds: idleCloseSeconds }, "paused draft idle with nobody connected: snapshotted and closed");
      // onDispose flushes the snapshot; the held seats' reconnections fail and their clients join again (restore).
      void close().catch((error) => logger.warn({ err: error, roomId }, "closing the idle draft failed"));
    }, idleCloseSeconds * 1000);
  }
}
