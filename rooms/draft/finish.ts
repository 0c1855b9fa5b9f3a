import type { ClockTimer } from "@colyseus/timer";
import type { Logger } from "pino";
import { DraftServerMessage } from "../../shared/index.ts";
import type { DraftModel } from "../../shared/rules/draft/index.ts";
import type { Stores } from "../../store/index.ts";
import { saveRosters } from "./league-io.ts";
import type { DraftRoomLimits } from "./limits.ts";
import { completeMessage, type Announce } from "./messages.ts";

export interface DraftFinishOptions {
  model: DraftModel;
  stores: Pick<Stores, "rosters" | "leagues">;
  logger: Logger;
  roomId: string;
  limits: Pick<DraftRoomLimits, "maxRetryMs" | "closeAfterSeconds">;
  /** The room's clock (its timers stop with the room). */
  clock: Pick<ClockTimer, "setTimeout">;
  /** The room's "after every change" (version, state, snapshot, listing). */
  changed: () => void;
  announce: Announce;
  /** Closes the room (with 4107). */
  close: () => Promise<unknown>;
}

/**
 * The end of a draft: a complete draft writes its rosters to the fantasy
 * roster store (which creates the standings board; match results credit
 * points from then on), marks the league complete, tells everyone, and
 * closes the room later. Retried with backoff until it lands (the store may
 * be down).
 */
export class DraftFinish {
  readonly #options: DraftFinishOptions;
  #finishing = false;
  #attempts = 0;

  constructor(options: DraftFinishOptions) {
    this.#options = options;
  }

  /** Call whenever the draft may be complete; does nothing while a save is under way. */
  run(): void {
    const { model, stores, logger, roomId, limits, clock } = this.#options;
    if (this.#finishing) return;
    if (model.rostersSaved) return this.#scheduleClose();
    this.#finishing = true;
    saveRosters(model, stores, logger)
      .then(() => {
        this.#finishing = false;
        model.rostersSaved = true;
        this.#options.changed();
        this.#options.announce(DraftServerMessage.COMPLETE, completeMessage(model));
        logger.info({ roomId, leagueId: model.leagueId }, "draft complete; rosters saved");
        this.#scheduleClose();
      })
      .catch((error) => {
        this.#finishing = false;
        const delay = Math.min(limits.maxRetryMs, 500 * 2 ** Math.min(this.#attempts++, 10));
        logger.warn({ err: error, roomId, retryInMs: delay }, "saving the draft's rosters failed; retrying");
        clock.setTimeout(() => this.run(), delay);
      });
  }

  #scheduleClose(): void {
    this.#options.clock.setTimeout(() => void this.#options.close().catch(() => undefined), this.#options.limits.closeAfterSeconds * 1000);
  }
}
