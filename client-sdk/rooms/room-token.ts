import type { AuthClient } from "../auth.ts";
import { retryDelay, type ResolvedBackoff } from "../backoff.ts";
import { AuthError, type SdkError, toSdkError } from "../errors.ts";
import { Sleeper } from "../platform.ts";

export type TokenRefreshEvent = { ok: true; expiresAt: number } | { ok: false; error: SdkError };

/**
 * The token a room connection presented (at join or by in-band refresh), and
 * the in-band refresh itself: `auth.expiring` → a new token from the
 * client's token source → `auth.refresh`. When no newer token comes back (a
 * provider that lags, or a refresh in the same second as the last one, which
 * yields the same JWT) it tries again with backoff until the token would
 * expire; after that the room closes with 4101 and the connection's
 * refresh-token path takes over.
 */
export class RoomToken {
  readonly #auth: AuthClient;
  readonly #backoff: ResolvedBackoff;
  readonly #emit: (event: TokenRefreshEvent) => void;
  readonly #sleeper = new Sleeper();
  #token?: string;
  #pending?: string;
  #refreshing = false;

  constructor(auth: AuthClient, backoff: ResolvedBackoff, emit: (event: TokenRefreshEvent) => void) {
    this.#auth = auth;
    this.#backoff = backoff;
    this.#emit = emit;
  }

  /** The token the room last accepted. */
  get token(): string | undefined {
    return this.#token;
  }

  /** A join presented the client's current token. */
  joined(): void {
    this.#token = this.#auth.token;
  }

  /** Stops a refresh loop that belongs to a replaced or closed room. */
  cancel(): void {
    this.#sleeper.cancel();
  }

  /** The room closed because the token expired (4101): a new one for the rejoin (undefined), or the AuthError to close with. */
  async renew(closeCode: number): Promise<AuthError | undefined> {
    try {
      await this.#auth.getToken({ reason: "expired", token: this.#token });
      return undefined;
    } catch (error) {
      return error instanceof AuthError ? error : new AuthError("TOKEN_EXPIRED", "the room token expired and could not be replaced", { closeCode, cause: error });
    }
  }

  /** `auth.refreshed`: the pending token is now the room's. */
  accepted(expiresAt: number): void {
    if (this.#pending) this.#token = this.#pending;
    this.#pending = undefined;
    this.#emit({ ok: true, expiresAt });
  }

  /** The room answered `error` to `auth.refresh`. */
  refused(error: SdkError): void {
    this.#pending = undefined;
    this.#emit({ ok: false, error });
  }

  /** `auth.expiring`: fetch a newer token and `send` it; `stale()` says the room it was meant for is gone. */
  async refresh(expiresAt: number, send: (token: string) => void, stale: () => boolean): Promise<void> {
    if (this.#refreshing) return;
    this.#refreshing = true;
    try {
      for (let attempt = 0; ; attempt++) {
        let token: string | undefined;
        let error: SdkError | undefined;
        try {
          token = await this.#auth.getToken({ reason: "expiring", token: this.#token, expiresAt });
        } catch (caught) {
          error = toSdkError(caught);
        }
        if (stale()) return;
        if (token && token !== this.#token) {
          this.#pending = token;
          send(token);
          return;
        }
        // Sending the same token again would only earn another auth.expiring.
        error ??= new AuthError("TOKEN_EXPIRED", "no newer token is available for the in-band refresh");
        const delayMs = retryDelay(attempt, this.#backoff);
        const refused = error instanceof AuthError && token === undefined; // the refresh itself was refused (401)
        if (refused || Date.now() + delayMs >= expiresAt * 1000) {
          this.#emit({ ok: false, error });
          return;
        }
        if ((await this.#sleeper.sleep(delayMs)) === "cancelled" || stale()) return;
      }
    } finally {
      this.#refreshing = false;
    }
  }
}
