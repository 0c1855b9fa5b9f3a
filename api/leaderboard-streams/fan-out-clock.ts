/**
 * Measures `sse_change_to_write_seconds` without touching each stream: a
 * publisher runs its views' fan-out of one read inside `fanOut`, stamped
 * with when the change notification that caused the read arrived, and every
 * event a view writes to a subscriber during it calls `wroteFanOutEvent`.
 * Views write synchronously, so at most one fan-out is in progress at a time
 * (per process); writes outside a fan-out (catch-up on subscribe, the
 * snapshot a congested subscriber gets once it drains) are not counted.
 */
let current: { since: number; latency: { observe(seconds: number): void } } | null = null;

/** Runs `publish` as the fan-out of a change that arrived at `since` (performance.now()). */
export function fanOut(since: number, latency: { observe(seconds: number): void } | undefined, publish: () => void): void {
  if (!latency || since === 0) return publish();
  current = { since, latency };
  try {
    publish();
  } finally {
    current = null;
  }
}

/** One event of the current fan-out was just written to a subscriber's socket. */
export function wroteFanOutEvent(): void {
  if (current) current.latency.observe((performance.now() - current.since) / 1000);
}
