import type { QueueTicket } from "./ticket.ts";

/**
 * Who plays whom: pure functions of the waiting tickets and the time, so
 * tests call them with an injected clock. The service runs them on
 * every process that has a waiting ticket; the store's atomic `claim` makes
 * sure only one of those processes acts on a proposal.
 */

export interface MatchPolicy {
  /** Largest difference of average ratings accepted at once. @default 100 */
  initialGap: number;
  /** The accepted gap grows by this much per second the older ticket has waited. @default 10 */
  gapGrowthPerSecond: number;
  /** The gap never grows past this. @default 600 */
  maxGap: number;
}

export const DEFAULT_MATCH_POLICY: MatchPolicy = { initialGap: 100, gapGrowthPerSecond: 10, maxGap: 600 };

/** The rating gap accepted after waiting `waitMs` (monotonic, capped). */
export function allowedGap(waitMs: number, policy: MatchPolicy = DEFAULT_MATCH_POLICY): number {
  const grown = policy.initialGap + (Math.max(0, waitMs) / 1000) * policy.gapGrowthPerSecond;
  return Math.min(Math.max(policy.initialGap, policy.maxGap), grown);
}

/** One side of a proposed match: a full team, or parties grouped to the mode's size. */
export interface ProposedSide {
  tickets: QueueTicket[];
  /** Player-weighted average rating. */
  rating: number;
  /** Oldest enqueue time among its tickets. */
  since: number;
}

export interface MatchProposal {
  home: ProposedSide;
  away: ProposedSide;
}

/**
 * Proposes matches among the waiting tickets of ONE mode (`teamSize` players
 * a side). Oldest first:
 * 1. sides: a full party is a side; smaller parties (solo players, duos for
 *    3v3…) are grouped, oldest first, with parties whose rating is within the
 *    gap either of them would accept, until the side is exactly full;
 * 2. pairs: each side, oldest first, takes the unpaired side with the closest
 *    average rating, if the difference is within the gap the OLDER of the two
 *    accepts by now (so a long wait widens the search for whoever waited).
 * Deterministic for the same input, and no ticket appears twice.
 */
export function proposeMatches(tickets: readonly QueueTicket[], teamSize: number, now: number, policy: MatchPolicy = DEFAULT_MATCH_POLICY): MatchProposal[] {
  const ordered = [...tickets]
    .filter((t) => t.players >= 1 && t.players <= teamSize && Number.isFinite(t.rating))
    .sort((a, b) => a.enqueuedAt - b.enqueuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const gapOf = (ticket: QueueTicket) => allowedGap(now - ticket.enqueuedAt, policy);

  const sides: ProposedSide[] = [];
  const grouped = new Set<string>();
  for (const seed of ordered) {
    if (grouped.has(seed.id)) continue;
    const members = [seed];
    let players = seed.players;
    for (const other of ordered) {
      if (players === teamSize) break;
      if (other === seed || grouped.has(other.id) || players + other.players > teamSize) continue;
      if (Math.abs(other.rating - seed.rating) <= Math.max(gapOf(seed), gapOf(other))) {
        members.push(other);
        players += other.players;
      }
    }
    if (players !== teamSize) continue;
    for (const member of members) grouped.add(member.id);
    sides.push(sideOf(members));
  }

  const proposals: MatchProposal[] = [];
  const paired = new Set<ProposedSide>();
  sides.sort((a, b) => a.since - b.since);
  for (const side of sides) {
    if (paired.has(side)) continue;
    let best: ProposedSide | undefined;
    for (const other of sides) {
      if (other === side || paired.has(other)) continue;
      const diff = Math.abs(other.rating - side.rating);
      if (diff > allowedGap(now - Math.min(side.since, other.since), policy)) continue;
      if (!best || diff < Math.abs(best.rating - side.rating)) best = other;
    }
    if (!best) continue;
    paired.add(side).add(best);
    proposals.push({ home: side, away: best });
  }
  return proposals;
}

function sideOf(tickets: QueueTicket[]): ProposedSide {
  const players = tickets.reduce((n, t) => n + t.players, 0);
  return {
    tickets,
    rating: tickets.reduce((sum, t) => sum + t.rating * t.players, 0) / players,
    since: Math.min(...tickets.map((t) => t.enqueuedAt)),
  };
}

/** A side's name and team id in the game and its result: the team's own, or the grouped parties' names. */
export function sideIdentity(side: ProposedSide): { name: string; teamId?: string } {
  if (side.tickets.length === 1) return { name: side.tickets[0]!.name, teamId: side.tickets[0]!.teamId };
  const name = side.tickets.map((t) => t.name).join(" + ");
  return { name: name.length <= 64 ? name : `${name.slice(0, 63)}…` };
}
