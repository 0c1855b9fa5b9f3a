import { matchMaker } from "@colyseus/core";
import type { Logger } from "pino";
import type { LeagueStore } from "../../store/leagues.ts";

export interface DraftSchedulerOptions {
  leagues: Pick<LeagueStore, "listDueDrafts">;
  /** The draft room type's name (its contract's). */
  roomName: string;
  /** How often the due drafts are looked up (DRAFT_SCHEDULE_CHECK_MS). */
  checkMs: number;
  logger: Logger;
  /** Most drafts opened per check. @default 50 */
  batch?: number;
}

/**
 * Starts scheduled drafts when nobody has their room open: every `checkMs`
 * it asks the league store for drafts whose `startAt` has passed and that
 * are still `scheduled`, and creates the draft room of each one that has
 * none (`matchMaker.createRoom`, as the team matchmaker creates game rooms).
 * The room itself starts the draft (at once on creation, or on its clock tick
 * when it was already open), so there is one way a draft starts itself.
 * Across processes a short claim in Colyseus's presence keeps two processes
 * from creating the same league's room at once.
 */
export class DraftScheduler {
  readonly #options: DraftSchedulerOptions;
  #timer: NodeJS.Timeout | undefined;
  #checking = false;

  constructor(options: DraftSchedulerOptions) {
    this.#options = options;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.check(), this.#options.checkMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One look at the due drafts; answers the leagues whose room it created. */
  async check(now = Date.now()): Promise<string[]> {
    if (this.#checking) return [];
    this.#checking = true;
    const opened: string[] = [];
    try {
      const due = await this.#options.leagues.listDueDrafts(now, this.#options.batch ?? 50);
      for (const leagueId of due) {
        if (await matchMaker.findOneRoomAvailable(this.#options.roomName, { leagueId })) continue; // its clock starts it
        const claimSeconds = Math.max(10, Math.ceil((this.#options.checkMs * 3) / 1000));
        if ((await matchMaker.presence.hincrbyex(`draft-schedule:${leagueId}`, "claim", 1, claimSeconds)) > 1) continue;
        await matchMaker.createRoom(this.#options.roomName, { leagueId });
        opened.push(leagueId);
        this.#options.logger.info({ leagueId }, "scheduled draft due: room created");
      }
    } catch (error) {
      this.#options.logger.warn({ err: error }, "draft schedule check failed; trying again at the next check");
    } finally {
      this.#checking = false;
    }
    return opened;
  }
}
