import type { SpectateStateEvent } from "../../shared/spectate.ts";
import type { SpectatorFrameListener } from "../spectator-feed.ts";

/** Local fan-out, used by both implementations. */
export class LocalFrames {
  readonly #byMatch = new Map<string, Set<SpectatorFrameListener>>();
  constructor(readonly onListenerError: (error: unknown) => void) {}

  add(matchId: string, listener: SpectatorFrameListener): { first: boolean; remove: () => boolean } {
    let set = this.#byMatch.get(matchId);
    const first = !set;
    if (!set) this.#byMatch.set(matchId, (set = new Set()));
    set.add(listener);
    return {
      first,
      /** True when it removed the last listener of the match. */
      remove: () => {
        if (!set.delete(listener) || set.size > 0) return false;
        this.#byMatch.delete(matchId);
        return true;
      },
    };
  }

  deliver(frame: SpectateStateEvent): void {
    for (const listener of this.#byMatch.get(frame.matchId) ?? []) {
      try {
        listener(frame);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  get size(): number {
    return this.#byMatch.size;
  }

  has(matchId: string): boolean {
    return this.#byMatch.has(matchId);
  }
}
