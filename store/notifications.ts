/**
 * Change notifications: how every process learns that something moved, so
 * SSE publishers and long-poll waiters (in api/) can react to a change made
 * by a room or another process. They carry versions so a listener can tell
 * it missed one (then it reads the store: `changesSince`, `results.after`).
 * Notifications are hints, never the data: the store stays the truth.
 */
export type StoreEvent =
  /** A board period's records changed; `version` increases by 1 per change within an `epoch`. */
  | { type: "leaderboard"; boardId: string; period: string; epoch: string; version: number }
  /** A board's config was created or updated. */
  | { type: "leaderboard-config"; boardId: string; revision: number }
  /** A match result was recorded; `seq` is its place in the results feed (strictly increasing, no holes). */
  | { type: "result"; matchId: string; seq: number }
  /** A league's draft feed moved: an event was appended (`seq`) or the board stored. */
  | { type: "draft-feed"; leagueId: string; seq: number }
  /**
   * Local only: this process may have missed events (the Redis subscription
   * was down). Listeners should re-read what they serve.
   */
  | { type: "resync"; reason: string };

export type StoreEventListener = (event: StoreEvent) => void;

export interface ChangeNotifications {
  /** Listens to every event from every process; returns the unsubscribe function. Listener errors are logged, never thrown back. */
  subscribe(listener: StoreEventListener): () => void;
  /** Number of local listeners (for tests and metrics). */
  readonly listenerCount: number;
}
