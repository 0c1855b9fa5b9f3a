import type { DraftType } from "../../fantasy-leagues.ts";

/** What decides whose turn a pick is. */
export interface OrderRules {
  draftType: DraftType;
  /** Snake only: round 3 repeats round 2's direction, and the snake continues from there. */
  thirdRoundReversal: boolean;
  /** Rounds = roster size. */
  rounds: number;
}

/** Draws a draft order: Fisher–Yates with an injected source of randomness in [0, 1). */
export function shuffleOrder(teamIds: readonly string[], random: () => number = Math.random): string[] {
  const order = [...teamIds];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Whether round `round` (0-based) runs in reverse draft position order.
 * Snake: rounds 2, 4, … (1-based) reverse. With third-round reversal, round 3
 * reverses too (it repeats round 2's direction) and from round 4 on the
 * pattern flips: rounds 4, 6, … run forward, 5, 7, … reverse.
 */
export function roundReversed(round: number, rules: Pick<OrderRules, "draftType" | "thirdRoundReversal">): boolean {
  if (rules.draftType === "linear") return false;
  if (rules.thirdRoundReversal && round >= 2) return round % 2 === 0;
  return round % 2 === 1;
}

export interface PickSlot {
  /** Overall pick number, 1-based. */
  number: number;
  /** 1-based. */
  round: number;
  /** Position within the round, 1-based. */
  pickInRound: number;
  teamId: string;
}

/** The team picking at overall pick `number` (1-based), or undefined past the last pick. */
export function slotOf(order: readonly string[], number: number, rules: OrderRules): PickSlot | undefined {
  const teams = order.length;
  if (teams === 0 || number < 1 || number > teams * rules.rounds) return undefined;
  const index = number - 1;
  const round = Math.floor(index / teams);
  const position = index % teams;
  const teamIndex = roundReversed(round, rules) ? teams - 1 - position : position;
  return { number, round: round + 1, pickInRound: position + 1, teamId: order[teamIndex] };
}

/** Every pick of the draft in order (for display and tests). */
export function draftSlots(order: readonly string[], rules: OrderRules): PickSlot[] {
  const slots: PickSlot[] = [];
  for (let n = 1; n <= order.length * rules.rounds; n++) slots.push(slotOf(order, n, rules)!);
  return slots;
}
