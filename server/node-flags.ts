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
 * V8 settings a `PROCESS_ROLE=api` process gives itself at start (main.ts),
 * on top of the ones above: `--heap-growing-percent=50` collects old space
 * once it is 1.5× the live size, instead of letting it grow to several times
 * that between full GCs. A process serving only streams and polls leaves its
 * garbage there on every wake-up round (a parked poll's RSS at 10,000 polls:
 * docs/performance.md); a room server's heap is mostly live and would pay
 * for the extra full GCs (+9 points of a core at 1,000 players), so rooms do
 * not get it (V8_HEAP_GROWING_PERCENT overrides either default). V8 refuses
 * the flag in NODE_OPTIONS; it reads it at every heap-limit computation, so
 * setting it at start-up applies.
 */
export const API_PROCESS_V8_FLAGS: readonly string[] = ["--heap-growing-percent=50"];
