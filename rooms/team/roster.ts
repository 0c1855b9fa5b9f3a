import { AppError, TeamMemberState, type MatchFoundMessage, type TeamRoomState, type TokenClaims } from "../../shared/index.ts";
import { nextCaptain, type MemberView } from "../../shared/rules/team/rules.ts";
import { refusal } from "../refusal.ts";

/**
 * Who is in the team: the members on the synchronised state, their order of
 * arrival (captaincy passes to the longest present), their verified claims
 * (kept while they are away), the players the captain removed, and seats
 * delivered while a member was away.
 */
export class TeamRoster {
  #joinSeq = 0;
  readonly #joinSeqOf = new Map<string, number>();
  readonly #claimsOf = new Map<string, TokenClaims>();
  readonly #kicked = new Set<string>();
  readonly #pendingSeats = new Map<string, MatchFoundMessage>();

  constructor(private readonly state: TeamRoomState) {}

  hasPlayer(playerId: string): boolean {
    return [...this.state.members.values()].some((m) => m.playerId === playerId);
  }

  /** Refuses a join this team cannot take now: removed by the captain, already in, full. */
  assertCanJoin(playerId: string): void {
    if (this.#kicked.has(playerId)) throw refusal("FORBIDDEN", "You were removed from this team");
    if (this.hasPlayer(playerId)) throw refusal("CONFLICT", "You are already in this team");
    if (this.state.members.size >= this.state.size) throw refusal("CONFLICT", "The team is full");
  }

  /** Seats a member; the first one is captain. */
  add(sessionId: string, claims: TokenClaims, now: number): TeamMemberState {
    const member = new TeamMemberState();
    member.playerId = claims.playerId;
    member.name = claims.name;
    member.joinedAt = now;
    this.state.members.set(sessionId, member);
    this.#joinSeqOf.set(sessionId, ++this.#joinSeq);
    this.#claimsOf.set(sessionId, claims);
    if (!this.state.captain) this.state.captain = sessionId;
    return member;
  }

  /** Removes a member for good (the longest-present one left takes over as captain); undefined if not a member. */
  remove(sessionId: string): TeamMemberState | undefined {
    const leaving = this.state.members.get(sessionId);
    if (!leaving) return undefined;
    const views = this.views();
    this.state.members.delete(sessionId);
    this.#joinSeqOf.delete(sessionId);
    this.#claimsOf.delete(sessionId);
    this.#pendingSeats.delete(sessionId);
    if (this.state.captain === sessionId) this.state.captain = nextCaptain(views, sessionId) ?? "";
    return leaving;
  }

  /** The member behind a session; FORBIDDEN for anyone else. */
  member(sessionId: string): TeamMemberState {
    const member = this.state.members.get(sessionId);
    if (!member) throw new AppError("FORBIDDEN", "You are not a member of this team");
    return member;
  }

  assertCaptain(sessionId: string): void {
    this.member(sessionId);
    if (this.state.captain !== sessionId) throw new AppError("FORBIDDEN", "Only the captain can do that");
  }

  /** The captain hands the captaincy to another member. */
  transferCaptain(by: string, to: string): void {
    this.assertCaptain(by);
    if (to === by) throw new AppError("CONFLICT", "You are already the captain");
    if (!this.state.members.has(to)) throw new AppError("NOT_FOUND", "No such member");
    this.state.captain = to;
  }

  /** The captain changes the team's size (never below its members). */
  resize(by: string, size: number): void {
    this.assertCaptain(by);
    if (size < this.state.members.size) throw new AppError("CONFLICT", `The team has ${this.state.members.size} members; the size cannot go below that`);
    this.state.size = size;
  }

  /** The player may not rejoin this team. */
  ban(playerId: string): void {
    this.#kicked.add(playerId);
  }

  /** The claims a member joined with (the room prefers a connected client's fresher ones). */
  claims(sessionId: string): TokenClaims | undefined {
    return this.#claimsOf.get(sessionId);
  }

  views(): MemberView[] {
    return [...this.state.members.entries()].map(([sessionId, m]) => ({
      sessionId,
      joinSeq: this.#joinSeqOf.get(sessionId) ?? Number.MAX_SAFE_INTEGER,
      ready: m.ready,
      connected: m.connected,
      name: m.name,
    }));
  }

  /** A seat for a member who is away: handed over when they reconnect. */
  holdSeat(sessionId: string, message: MatchFoundMessage): void {
    this.#pendingSeats.set(sessionId, message);
  }

  takeSeat(sessionId: string): MatchFoundMessage | undefined {
    const seat = this.#pendingSeats.get(sessionId);
    this.#pendingSeats.delete(sessionId);
    return seat;
  }

  dropSeats(): void {
    this.#pendingSeats.clear();
  }
}
