/**
 * One team room per player, across processes: a team room claims each
 * member's player id when they join (refused while another live team room
 * holds it), renews the claims while the member holds the seat (also while
 * away inside the reconnection window) and releases them when the member
 * leaves or the room closes. A claim has a lease, so a crashed process's
 * claims expire on their own.
 */
export interface TeamMembership {
  roomId: string;
  teamId: string;
  name: string;
  code: string;
}

export type MembershipClaim = { ok: true } | { ok: false; holder: TeamMembership };

export interface TeamMembershipStore {
  /** Claims `playerId` for `team` for `leaseMs`, or renews (and updates) the claim when `team.roomId` already holds it. */
  claim(playerId: string, team: TeamMembership, leaseMs: number): Promise<MembershipClaim>;
  /** Frees the claim if `roomId` holds it. */
  release(playerId: string, roomId: string): Promise<void>;
  /** The team room holding the player, if any. */
  holder(playerId: string): Promise<TeamMembership | undefined>;
}
