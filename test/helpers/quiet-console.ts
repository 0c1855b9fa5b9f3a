/**
 * `npm test` prints only the tests. A few libraries write fixed lines to the
 * console on paths the suites take on purpose; those lines, and nothing else,
 * are dropped here (TEST_VERBOSE=1 shows them):
 * - @colyseus/sdk, when a stock-SDK join is refused (the server closes the
 *   socket with 4002 before the join completes), and when its own
 *   auto-reconnect declines a room younger than 5 s (tests reconnect by hand);
 * - @colyseus/schema, when the room fuzz sends a message type that is not
 *   valid UTF-8 (the server skips the string; the fuzz checks the outcome).
 */
const EXPECTED_LINES: { method: "warn" | "info" | "error"; prefix: string }[] = [
  { method: "warn", prefix: "Room connection was closed unexpectedly (" },
  { method: "info", prefix: "[Colyseus reconnection]: " },
  { method: "error", prefix: "decode.utf8Read(): Invalid byte " },
];

export function installQuietConsole(): void {
  if (process.env.TEST_VERBOSE) return;
  for (const method of new Set(EXPECTED_LINES.map((line) => line.method))) {
    const prefixes = EXPECTED_LINES.filter((line) => line.method === method).map((line) => line.prefix);
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      if (typeof args[0] === "string" && prefixes.some((prefix) => (args[0] as string).startsWith(prefix))) return;
      original(...args);
    };
  }
}

/** A line of detail a test wants to show (fuzz statistics, measurements): printed with TEST_VERBOSE=1 only. */
export function note(line: string): void {
  if (process.env.TEST_VERBOSE) console.log(`      ${line}`);
}
