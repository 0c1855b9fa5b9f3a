import type { Logger } from "pino";
import { AppError } from "../../shared/index.ts";
import type { TeamMembership, TeamMembershipStore } from "../../store/index.ts";

/**
 * Default (TEAM_MEMBERSHIP_LEASE_SECONDS) of how long a member's claim on
 * "my team room" lives in the store unless the room renews it (every third
 * of it, while the member holds the seat, also while away inside the
 * reconnection window). A crashed process's members can join another team
 * once it runs out.
 */
export const DEFAULT_TEAM_MEMBERSHIP_LEASE_MS = 30_000;

/** CONFLICT for a player who is already in a team room: `details` name it, so the client can leave it first. */
export function alreadyInTeamError(holder: TeamMembership): AppError {
  return new AppError("CONFLICT", `You are already in team "${holder.name}" (code ${holder.code}): reconnect to it, or leave it before joining another team`, {
    details: { reason: "ALREADY_IN_TEAM", roomId: holder.roomId, teamId: holder.teamId, code: holder.code, name: holder.name },
  });
}

/** Throws `alreadyInTeamError` if another team room holds the player. */
export async function assertNotInAnotherTeam(store: TeamMembershipStore, playerId: string, exceptRoomId?: string): Promise<void> {
  const holder = await store.holder(playerId);
  if (holder && holder.roomId !== exceptRoomId) throw alreadyInTeamError(holder);
}

/** One team room's side of the membership claims (rooms/team-room.ts). */
export class TeamMemberships {
  readonly #members = new Set<string>();

  constructor(
    private readonly store: TeamMembershipStore,
    private readonly team: () => TeamMembership,
    readonly leaseMs: number = DEFAULT_TEAM_MEMBERSHIP_LEASE_MS,
  ) {}

  /** Claims the player for this room; throws `alreadyInTeamError` if another team room holds them. */
  async claim(playerId: string): Promise<void> {
    const outcome = await this.store.claim(playerId, this.team(), this.leaseMs);
    if (!outcome.ok) throw alreadyInTeamError(outcome.holder);
    this.#members.add(playerId);
  }

  /**
   * Renews every member's claim (with the team's current name and code).
   * Returns the players another room took meanwhile (their claim ran out
   * during a store outage and they joined elsewhere).
   */
  async renew(): Promise<string[]> {
    const lost: string[] = [];
    const team = this.team();
    for (const playerId of this.#members) {
      const outcome = await this.store.claim(playerId, team, this.leaseMs);
      if (!outcome.ok) lost.push(playerId);
    }
    return lost;
  }

  /** `renew`, logging what it could not do (the next renewal retries). */
  async renewOrWarn(logger: Logger, roomId: string): Promise<void> {
    try {
      const lost = await this.renew();
      if (lost.length > 0) logger.warn({ roomId, players: lost }, "members joined another team while their claim here had lapsed");
    } catch (error) {
      logger.warn({ err: error, roomId }, "could not renew the members' team claims; retrying");
    }
  }

  /** The member left for good. */
  release(playerId: string): Promise<void> {
    this.#members.delete(playerId);
    return this.store.release(playerId, this.team().roomId);
  }

  /** The room closes. */
  releaseAll(): Promise<unknown> {
    const players = [...this.#members];
    this.#members.clear();
    return Promise.allSettled(players.map((playerId) => this.store.release(playerId, this.team().roomId)));
  }

  get renewEveryMs(): number {
    return this.leaseMs / 3;
  }
}
