import type { Logger } from "pino";
import { AppError, DraftServerMessage, draftRefusal } from "../../shared/index.ts";
import { startIsDue, type Actor, type DraftModel, type DraftPick } from "../../shared/rules/draft/index.ts";
import type { LeagueStore } from "../../store/index.ts";
import { startWithFinalTeams } from "./league-io.ts";
import type { Announce } from "./messages.ts";

export interface DraftStartOptions {
  model: DraftModel;
  leagues: LeagueStore;
  logger: Logger;
  roomId: string;
  /** The room's "after every change" (version, state, snapshot, listing). */
  changed: () => void;
  announce: Announce;
  /** The room's announcing of picks in the model (round 1's keepers), as after any pick. */
  picked: (picks: DraftPick[]) => void;
}

/**
 * How a draft starts: by the commissioner's `start`, or by itself once the
 * league's `startAt` has passed (on the room's creation or its clock tick).
 * One start at a time: the final teams are read from the store first.
 */
export class DraftStart {
  readonly #options: DraftStartOptions;
  #starting = false;

  constructor(options: DraftStartOptions) {
    this.#options = options;
  }

  /** `actor`: the commissioner who asked; none for the scheduled start. */
  async start(actor: Actor | undefined): Promise<void> {
    const { model, leagues, logger, roomId } = this.#options;
    if (this.#starting) throw draftRefusal("STARTING", "The draft is being started");
    this.#starting = true;
    try {
      await startWithFinalTeams(model, actor ?? { playerId: model.commissionerId }, leagues);
    } finally {
      this.#starting = false;
    }
    logger.info({ roomId, leagueId: model.leagueId, order: model.order, scheduled: !actor }, "draft started");
    this.#options.changed();
    this.#options.announce(DraftServerMessage.STARTED, { by: actor ? "commissioner" : "schedule", order: [...model.order] });
    this.#options.picked(model.picks); // keepers of round 1
  }

  /** Starts the draft if its `startAt` has passed (and no start is under way); answers whether it tried. */
  startIfDue(now: number): boolean {
    if (!startIsDue(this.#options.model, now) || this.#starting) return false;
    this.#startScheduled();
    return true;
  }

  /** The league's `startAt` passed: the draft starts itself; a refusal is announced once and not retried. */
  #startScheduled(): void {
    const { model, leagues, logger, roomId } = this.#options;
    this.start(undefined).catch((error: unknown) => {
      if (!(error instanceof AppError) || model.status !== "waiting") return logger.warn({ err: error, roomId }, "scheduled draft start failed");
      model.scheduleFailed = true;
      this.#options.changed();
      // Off the scheduler's due list, so the refused draft's room is not opened again and again.
      leagues.clearDraftSchedule(model.leagueId).catch((err: unknown) => logger.warn({ err, roomId }, "clearing the draft schedule failed"));
      const reason = String((error.details as { reason?: string } | undefined)?.reason ?? error.code);
      this.#options.announce(DraftServerMessage.SCHEDULE_FAILED, { reason, message: error.message });
    });
  }
}
