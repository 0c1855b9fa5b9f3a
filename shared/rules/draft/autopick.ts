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
}

/**
 * The player an autopick takes: the first available player of the queue,
 * else of the league's rankings, else of the pool. Undefined when nobody is
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
  for (const [source, list] of sources) {
    const playerId = list.find(available);
    if (playerId !== undefined) return { playerId, source };
  }
  return undefined;
}
