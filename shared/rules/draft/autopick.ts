import type { AutopickSource } from "../../draft/state.ts";

export interface AutopickInput {
  /** The team's private queue, first = most wanted. */
  queue: readonly string[];
  /** The league's default rankings (rated players, best first). */
  rankings: readonly string[];
  /** Every draftable player in pool order (the fallback: best available). */
  pool: readonly string[];
  /** Players already drafted. */
  taken: ReadonlySet<string>;
  /** Roster slots: where a player would go (`starter`, `bench`, or undefined: no open slot). Absent: every player fits. */
  fits?: (playerId: string) => "starter" | "bench" | undefined;
}

/**
 * The player an autopick takes: the first available player of the queue,
 * else of the league's rankings, else of the pool; with roster slots, first
 * among players who fill an open starting slot, then among those who fit the bench. Undefined when nobody is
 * left. Players outside the pool are skipped wherever they appear.
 */
export function chooseAutopick(input: AutopickInput): { playerId: string; source: AutopickSource } | undefined {
  const inPool = new Set(input.pool);
  const available = (id: string) => inPool.has(id) && !input.taken.has(id);
  const sources: [AutopickSource, readonly string[]][] = [
    ["queue", input.queue],
    ["rankings", input.rankings],
    ["best-available", input.pool],
  ];
  // Needs first: a player for an open starting slot, from any source; then anyone who fits (the bench).
  const passes: ((id: string) => boolean)[] = input.fits ? [(id) => input.fits!(id) === "starter", (id) => input.fits!(id) !== undefined] : [() => true];
  for (const fits of passes) {
    for (const [source, list] of sources) {
      const playerId = list.find((id) => available(id) && fits(id));
      if (playerId !== undefined) return { playerId, source };
    }
  }
  return undefined;
}
