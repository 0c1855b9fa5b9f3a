import type { MembershipClaim, TeamMembership, TeamMembershipStore } from "../team-memberships.ts";

/** The embedded default: one process, so a Map is the truth; leases are checked against the clock. */
export class MemoryTeamMembershipStore implements TeamMembershipStore {
  readonly #claims = new Map<string, { team: TeamMembership; expiresAt: number }>();
  readonly #clock: () => number;

  constructor(options: { clock?: () => number } = {}) {
    this.#clock = options.clock ?? Date.now;
  }

  async claim(playerId: string, team: TeamMembership, leaseMs: number): Promise<MembershipClaim> {
    const held = this.#live(playerId);
    if (held && held.roomId !== team.roomId) return { ok: false, holder: { ...held } };
    this.#claims.set(playerId, { team: { ...team }, expiresAt: this.#clock() + leaseMs });
    return { ok: true };
  }

  async release(playerId: string, roomId: string): Promise<void> {
    if (this.#claims.get(playerId)?.team.roomId === roomId) this.#claims.delete(playerId);
  }

  async holder(playerId: string): Promise<TeamMembership | undefined> {
    const held = this.#live(playerId);
    return held && { ...held };
  }

  #live(playerId: string): TeamMembership | undefined {
    const claim = this.#claims.get(playerId);
    if (claim && claim.expiresAt <= this.#clock()) {
      this.#claims.delete(playerId);
      return undefined;
    }
    return claim?.team;
  }
}
