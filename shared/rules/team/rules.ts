import type { ErrorCode } from "../../errors.ts";
import { MATCH_MODES, TEAM_CODE_ALPHABET, TEAM_CODE_MAX_LENGTH, TEAM_CODE_MIN_LENGTH, type MatchMode } from "../../team/messages.ts";
import type { TeamQueueReason, TeamQueueStatus } from "../../team/state.ts";

/**
 * The team room's rules as pure functions (tests call them directly): codes,
 * captaincy, the queue state machine, the ready check. rooms/team-room.ts
 * applies them.
 */

export interface Refusal {
  code: ErrorCode;
  message: string;
}

/**
 * A random join code of `length` characters of the unambiguous alphabet.
 * `random(n)` returns an integer in [0, n) (crypto in the room, seeded in tests).
 */
export function generateTeamCode(length: number, random: (n: number) => number): string {
  const size = Math.min(TEAM_CODE_MAX_LENGTH, Math.max(TEAM_CODE_MIN_LENGTH, Math.round(length)));
  let code = "";
  for (let i = 0; i < size; i++) code += TEAM_CODE_ALPHABET[random(TEAM_CODE_ALPHABET.length)];
  return code;
}

/**
 * Lengths to try for a new code: `attemptsPerLength` tries at the default
 * length, then one character longer, … up to the maximum. With 31 symbols a
 * 5-character code has 28.6 M values, so a collision is rare and a retry at
 * the same length almost always succeeds; longer codes are the fallback for
 * a crowded server.
 */
export function codeLengthsToTry(defaultLength: number, attemptsPerLength: number): number[] {
  const lengths: number[] = [];
  for (let length = Math.max(TEAM_CODE_MIN_LENGTH, defaultLength); length <= TEAM_CODE_MAX_LENGTH; length++) {
    for (let i = 0; i < attemptsPerLength; i++) lengths.push(length);
  }
  return lengths;
}

export interface MemberView {
  sessionId: string;
  /** Order of arrival in this room (lower = present longer). */
  joinSeq: number;
  ready: boolean;
  connected: boolean;
  name: string;
}

/** The next captain when the captain leaves for good: the longest-present member left, if any. */
export function nextCaptain(members: readonly MemberView[], leaving: string): string | undefined {
  let best: MemberView | undefined;
  for (const member of members) {
    if (member.sessionId === leaving) continue;
    if (!best || member.joinSeq < best.joinSeq) best = member;
  }
  return best?.sessionId;
}

/** Why the team may not queue for `mode` now (undefined: it may). */
export function queueRefusal(members: readonly MemberView[], mode: MatchMode, status: TeamQueueStatus): Refusal | undefined {
  if (status === "queued" || status === "starting") return { code: "CONFLICT", message: "The team is already in the queue" };
  if (status === "playing") return { code: "CONFLICT", message: "The team is playing a match" };
  const teamSize = MATCH_MODES[mode];
  if (members.length > teamSize) return { code: "CONFLICT", message: `${mode} is for ${teamSize} player(s) a side; the team has ${members.length}` };
  const away = members.find((m) => !m.connected);
  if (away) return { code: "CONFLICT", message: `${away.name} is away` };
  const notReady = members.filter((m) => !m.ready);
  if (notReady.length > 0) return { code: "CONFLICT", message: `Not everyone is ready: ${notReady.map((m) => m.name).join(", ")}` };
  return undefined;
}

/** The only legal moves of the team's queue status (an explicit state machine: any other move is a bug). */
const QUEUE_TRANSITIONS: Record<TeamQueueStatus, readonly TeamQueueStatus[]> = {
  idle: ["queued"],
  // queued → queued: the ticket was replaced (lost lease, aborted match) without leaving the queue.
  queued: ["idle", "queued", "starting"],
  starting: ["queued", "playing", "idle"],
  playing: ["idle"],
};

export class IllegalQueueTransitionError extends Error {
  override readonly name = "IllegalQueueTransitionError";
  constructor(
    readonly from: TeamQueueStatus,
    readonly to: TeamQueueStatus,
    readonly reason: TeamQueueReason,
  ) {
    super(`illegal team queue transition ${from} → ${to} (${reason})`);
  }
}

export function assertQueueTransition(from: TeamQueueStatus, to: TeamQueueStatus, reason: TeamQueueReason): void {
  if (!QUEUE_TRANSITIONS[from].includes(to)) throw new IllegalQueueTransitionError(from, to, reason);
}

/** Cancelling events (un-ready, leave, drop, join, resize) only matter while the ticket can still be withdrawn. */
export function cancellable(status: TeamQueueStatus): boolean {
  return status === "queued";
}
