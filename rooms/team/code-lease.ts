import { randomInt } from "node:crypto";
import type { Logger } from "pino";
import { codeLengthsToTry, generateTeamCode } from "../../shared/rules/team/rules.ts";
import type { MatchmakingStore } from "../../store/index.ts";
import { refusal } from "../refusal.ts";
import { TEAM_ROOM_TIMINGS } from "./timings.ts";

/**
 * A team's join code: unique among live teams on every process (claimed in
 * the store with a lease the room renews), replaced by a new one if the
 * lease ran out and another team took it, released when the room closes.
 */
export class TeamCodeLease {
  #code = "";

  constructor(
    private readonly store: MatchmakingStore,
    private readonly roomId: string,
    private readonly logger: Logger,
  ) {}

  get code(): string {
    return this.#code;
  }

  get renewEveryMs(): number {
    return TEAM_ROOM_TIMINGS.codeLeaseMs / 3;
  }

  /** Claims a fresh random code (longer ones only when shorter ones collide); refuses CONFLICT when none is free. */
  async allocate(): Promise<string> {
    for (const length of codeLengthsToTry(TEAM_ROOM_TIMINGS.codeLength, TEAM_ROOM_TIMINGS.codeAttemptsPerLength)) {
      const code = generateTeamCode(length, (n) => randomInt(n));
      if (await this.store.claimCode(code, this.roomId, TEAM_ROOM_TIMINGS.codeLeaseMs)) return (this.#code = code);
    }
    throw refusal("CONFLICT", "Could not allocate a team code; try again");
  }

  /** Renews the lease; answers true when the code had to change (the listing must follow). Never throws. */
  async renew(): Promise<boolean> {
    try {
      if (await this.store.claimCode(this.#code, this.roomId, TEAM_ROOM_TIMINGS.codeLeaseMs)) return false;
      // Our lease ran out (e.g. a long store outage) and another team took the code: take a new one.
      const old = this.#code;
      await this.allocate();
      this.logger.warn({ roomId: this.roomId, old, code: this.#code }, "team code lost; allocated a new one");
      return true;
    } catch (error) {
      this.logger.warn({ err: error, roomId: this.roomId }, "could not renew the team code; retrying");
      return false;
    }
  }

  release(): void {
    // Empty when the room's creation failed before a code was allocated.
    if (!this.#code) return;
    this.store.releaseCode(this.#code, this.roomId).catch((error) => this.logger.warn({ err: error, roomId: this.roomId }, "could not release the team code"));
  }
}
