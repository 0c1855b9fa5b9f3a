import type { SpectateFinishedEvent, SpectateMessage } from "../shared/spectate.ts";
import { reportListenerError } from "./logger.ts";
import { SseSubscription, type SseSubscriptionDeps, type SseSubscriptionEvents, type SseSubscriptionOptions, type SseSubscriptionRetryEvent } from "./sse-subscription.ts";

/** What a spectator's handler gets (docs/protocol.md "Spectating over SSE"). */
export type { SpectateMessage } from "../shared/spectate.ts";
export type SpectateHandler = (message: SpectateMessage) => void;

/** `heartbeatMs × watchdogFactor` without bytes (also: before the first bytes) → the stream is dead: reconnect. */
export type SpectateOptions = SseSubscriptionOptions;
export type SpectateRetryEvent = SseSubscriptionRetryEvent;
export type SpectateEvents = SseSubscriptionEvents;
/** @internal */
export type SpectateDeps = SseSubscriptionDeps;

/**
 * `client.matches.spectate(matchId, handler)`: a live match over the SDK's
 * SSE transport and reconnect loop (sse-subscription.ts), as leaderboard
 * subscriptions and league streams. Frames are not resumable (a reconnect
 * gets the next one; a broken frame is skipped: the next one replaces it);
 * `finished` ends it (`closed`, reason `server-close`, no error).
 */
export class SpectateConnection extends SseSubscription<SpectateEvents> {
  readonly matchId: string;
  readonly #handler: SpectateHandler;
  readonly #onListenerError: (error: unknown) => void;
  #finished = false;
  #result?: SpectateFinishedEvent["result"];

  constructor(deps: SpectateDeps, matchId: string, options: SpectateOptions, handler: SpectateHandler) {
    super(deps, `/v1/matches/${encodeURIComponent(matchId)}/spectate`, options, false);
    this.matchId = matchId;
    this.#handler = handler;
    this.#onListenerError = deps.onListenerError ?? reportListenerError;
  }

  /** The recorded result, once `finished` arrived. */
  get result(): SpectateFinishedEvent["result"] | undefined {
    return this.#result;
  }

  protected override finished(): boolean {
    return this.#finished;
  }

  protected override badFrame(): void {
    // a broken frame: the next one replaces it
  }

  protected handle(event: string, data: unknown): void {
    if (event !== "state" && event !== "finished") return;
    if (event === "finished") {
      this.#finished = true;
      this.#result = (data as SpectateFinishedEvent).result;
    }
    try {
      this.#handler({ event, data } as SpectateMessage);
    } catch (error) {
      this.#onListenerError(error);
    }
  }
}
