import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { MatchClaims } from "../store/index.ts";

/**
 * A game room's claim on its match id lives this long in the store unless
 * renewed (every third of it): a crashed process's ids are free again soon,
 * and an operator can then import the match's result.
 */
export const MATCH_CLAIM_LEASE_SECONDS = 60;

/** A fresh match id: random, so nobody can guess (or take) another game's. */
export function newMatchId(): string {
  return `m_${Date.now().toString(36)}${randomBytes(12).toString("base64url")}`;
}

/**
 * A match id belongs to the room that plays it (docs/protocol.md "Game
 * room"): the room claims it in the store when it is created (a taken id
 * refuses the room) and renews the claim while it runs; while the claim
 * stands the store accepts the match's result from this room only, and
 * refuses an operator's import for it. Recording the result drops the claim;
 * a room that closes without one releases it.
 */
export class MatchIdClaim {
  constructor(
    readonly matchId: string,
    private readonly owner: string,
    private readonly claims: MatchClaims,
    private readonly logger: Logger,
  ) {}

  /** Claims the id; false if another live room holds it or its result is already recorded. */
  async take(): Promise<"ok" | "claimed" | "recorded"> {
    return this.claims.claim(this.matchId, this.owner, MATCH_CLAIM_LEASE_SECONDS);
  }

  /** Renews the claim (a failure is logged; the next renewal retries). */
  async renew(recorded: boolean): Promise<void> {
    try {
      const outcome = await this.take();
      if (outcome !== "ok" && !recorded) this.logger.error({ matchId: this.matchId, outcome }, "this room lost its match id's claim; the store will refuse its result");
    } catch (error) {
      this.logger.warn({ err: error, matchId: this.matchId }, "could not renew the match id's claim; retrying");
    }
  }

  /** Drops the claim (the room closes without a result). */
  release(): void {
    this.claims.releaseClaim(this.matchId, this.owner).catch((error) => this.logger.warn({ err: error, matchId: this.matchId }, "could not release the match id"));
  }

  static readonly renewEveryMs = (MATCH_CLAIM_LEASE_SECONDS * 1000) / 3;
}
