import type { SpectateStateEvent } from "../shared/spectate.ts";

export type SpectatorFrameListener = (frame: SpectateStateEvent) => void;

/**
 * Live match frames from game rooms to SSE spectators (rooms and api meet
 * only here). Fire-and-forget: a lost frame is replaced by the next one, so
 * this is plain pub/sub, never stored. The end of a match reaches spectators
 * through the results store (the `result` notification), not through here.
 */
export interface SpectatorFeed {
  publish(frame: SpectateStateEvent): void;
  /**
   * Whether a frame of this match could reach a viewer: rooms skip building
   * frames (state → JSON, 5 Hz per room) nobody watches. False only when no
   * viewer exists (memory: none here; Redis: no subscriber on the channel at
   * the last check, at most `WATCHED_CHECK_MS` of store/redis/spectator-feed.ts ago), so a new viewer's first
   * frame can come that much later.
   */
  isWatched(matchId: string): boolean;
  /** Listens to one match's frames from every process; returns unsubscribe. */
  subscribe(matchId: string, listener: SpectatorFrameListener): () => void;
  close(): Promise<void>;
}
