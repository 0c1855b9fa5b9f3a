import type { ProcessRole } from "./room-placement.ts";

/**
 * V8 flags the server process runs with: `npm start` / `npm run dev`
 * (package.json, checked by test/foundation/runtime.test.ts), and the
 * processes the load tests and the tests spawn.
 *
 * `--max-semi-space-size=32` (MB): V8 sizes the young generation from the
 * machine's memory (a 64 MB semi-space on a 24 GB machine), and a room
 * server under load allocates fast enough (~130 MB/s at 1,000 players) to
 * touch all of it, so its RSS grows by ~130 MB whatever the player count.
 * 32 MB measured the same CPU with about half the RSS growth; 16 MB cost
 * ~5% of a core more in scavenges (docs/performance.md, docs/operations.md).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=32"];

/**
 * V8 settings a server process gives itself at start (main.ts), on top of
 * the ones above, by role: `--heap-growing-percent=N` collects old space
 * once it has grown N% past the live size, instead of letting it grow to
 * several times that between full GCs. Parked long polls leave their
 * garbage in old space on every wake-up round, so with V8's own factor RSS
 * per parked poll at 10,000 polls read ~31–33 KB beside rooms and ~42 KB on
 * an api process (docs/performance.md "Memory per connection").
 *
 * - Room processes (`all`): 50. Session 5 measured +9 points of a core for
 *   rooms with it and left them without; four interleaved pairs of the
 *   arena at 1,000 players in session 8 read the same CPU either way (82.3%
 *   with it, 83.2% without), and a parked poll beside rooms dropped to ~18 KB.
 * - `api` processes: 25. Their capacity is memory per connection, not CPU:
 *   13.6–15.8 KB per parked poll (50: 15.5–22.8 KB between days) for ~5
 *   more points of a core at 10,000 polls × 5 rounds.
 *
 * `V8_HEAP_GROWING_PERCENT` overrides either (0: V8's own). V8 refuses the
 * flag in NODE_OPTIONS; it reads it at every heap-limit computation, so
 * setting it at start-up applies.
 */
export const SERVER_V8_FLAGS: readonly string[] = ["--heap-growing-percent=50"];
/** What an `api` process sets instead of SERVER_V8_FLAGS (above). */
export const API_PROCESS_V8_FLAGS: readonly string[] = ["--heap-growing-percent=25"];

/** The V8 flags a server sets on itself for its role and `V8_HEAP_GROWING_PERCENT` (unset: the role's default; 0: none, V8's own factor). */
export function v8FlagsFor(heapGrowingPercent: number | undefined, role: ProcessRole = "all"): string[] {
  if (heapGrowingPercent === undefined) return [...(role === "api" ? API_PROCESS_V8_FLAGS : SERVER_V8_FLAGS)];
  return heapGrowingPercent > 0 ? [`--heap-growing-percent=${heapGrowingPercent}`] : [];
}
