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
