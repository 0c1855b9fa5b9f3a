import type { Logger } from "pino";
import type { SpectateStateEvent } from "../../shared/spectate.ts";
import { LocalFrames } from "../common/local-frames.ts";
import type { SpectatorFeed, SpectatorFrameListener } from "../spectator-feed.ts";

/** One process: a match is watched exactly while a local listener is subscribed. */
export class MemorySpectatorFeed implements SpectatorFeed {
  readonly #local: LocalFrames;
  constructor(logger: Logger) {
    this.#local = new LocalFrames((error) => logger.error({ err: error }, "spectator listener threw"));
  }
  publish(frame: SpectateStateEvent): void {
    this.#local.deliver(frame);
  }
  isWatched(matchId: string): boolean {
    return this.#local.has(matchId);
  }
  subscribe(matchId: string, listener: SpectatorFrameListener): () => void {
    const entry = this.#local.add(matchId, listener);
    return () => void entry.remove();
  }
  async close(): Promise<void> {}
}
