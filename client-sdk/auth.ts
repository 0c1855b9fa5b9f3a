import type { PlayerIdentity, TokenResponse } from "../shared/index.ts";
import { Emitter } from "./emitter.ts";
import { AuthError, HttpError } from "./errors.ts";
import type { HttpClient, TokenRequest, TokenSource } from "./http.ts";

/** What `getToken` may return: a bare token, or the token and its expiry. */
export interface TokenGrant {
  token: string;
  /** Seconds since the epoch. Read from the JWT's `exp` when omitted. */
  expiresAt?: number;
}

/**
 * The app's own token provider (e.g. a token minted by the operator's auth
 * with the shared secret). Called before connecting when the SDK has no
 * usable token, when a room says the token is expiring, and once after the
 * server refuses a token (401, 525 auth failure, close 4101). Return a NEW
 * token in the last three cases: returning the refused one again ends the
 * connection with an AuthError.
 */
export type GetToken = (request: TokenRequest) => string | TokenGrant | null | undefined | Promise<string | TokenGrant | null | undefined>;

export interface TokenChange {
  token: string | undefined;
  expiresAt: number | undefined;
  player: PlayerIdentity | undefined;
}

export interface AuthOptions {
  getToken?: GetToken;
  /**
   * Before a request or join, a built-in session token with less than this
   * left is refreshed first (`POST /v1/auth/refresh`). @default 10
   */
  refreshLeadSeconds?: number;
  onListenerError?: (error: unknown) => void;
}

/**
 * `client.auth`: the current token and its expiry, guest sign-in and refresh,
 * and the single token source every transport asks (concurrent asks share
 * one refresh). Without `getToken`, the SDK manages a session itself:
 * `signInAsGuest()` (or `setToken()`), refreshed with `POST /v1/auth/refresh`
 * while still valid. With `getToken`, the app's function is the source.
 */
export class AuthClient implements TokenSource {
  readonly #getToken?: GetToken;
  readonly #leadSeconds: number;
  readonly #events: Emitter<{ token: TokenChange }>;
  #http?: HttpClient;
  #token?: string;
  #expiresAt?: number;
  /** When the current token arrived (seconds), to know its lifetime. */
  #receivedAt = 0;
  #player?: PlayerIdentity;
  #inflight?: Promise<string | undefined>;

  constructor(options: AuthOptions = {}) {
    this.#getToken = options.getToken;
    this.#leadSeconds = options.refreshLeadSeconds ?? 10;
    this.#events = new Emitter(options.onListenerError);
  }

  /** @internal The client wires its HTTP helper in after both exist. */
  attach(http: HttpClient): void {
    this.#http = http;
  }

  /** The current token (undefined before sign-in / the first getToken). */
  get token(): string | undefined {
    return this.#token;
  }

  /** When the current token expires, in seconds since the epoch (when known). */
  get expiresAt(): number | undefined {
    return this.#expiresAt;
  }

  /** The signed-in player (built-in sessions, or a JWT with `sub`/`name`). */
  get player(): PlayerIdentity | undefined {
    return this.#player;
  }

  /** `token` fires whenever the current token changes (sign-in, refresh, getToken, sign-out). */
  on(event: "token", listener: (change: TokenChange) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** `POST /v1/auth/guest {name}`: a new guest identity; becomes the current session. */
  async signInAsGuest(name: string, options: { signal?: AbortSignal } = {}): Promise<TokenResponse> {
    const response = await this.#requireHttp().call("POST /v1/auth/guest", { body: { name }, signal: options.signal });
    this.#set(response.token, response.expiresAt, response.player);
    return response;
  }

  /** `POST /v1/auth/refresh` with the current token (which must still be valid): a new token for the same player. */
  async refresh(options: { signal?: AbortSignal } = {}): Promise<TokenResponse> {
    const token = this.#token;
    if (!token) throw new AuthError("UNAUTHORIZED", "No token to refresh: sign in first");
    try {
      const response = await this.#requireHttp().request<TokenResponse>("POST", "/v1/auth/refresh", { token, signal: options.signal, retries: 1 });
      // A sign-out or another refresh may have replaced the token meanwhile; only the newest wins.
      if (this.#token === token) this.#set(response.data.token, response.data.expiresAt, response.data.player);
      return response.data;
    } catch (error) {
      if (error instanceof HttpError && error.status === 401) {
        throw new AuthError(error.code, `The token could not be refreshed: ${error.message}`, { status: 401, cause: error });
      }
      throw error;
    }
  }

  /** Uses a token obtained elsewhere (e.g. restored from storage). */
  setToken(token: string, expiresAt?: number): void {
    const claims = decodeJwtClaims(token);
    this.#set(token, expiresAt ?? claims?.exp, claims?.sub && claims.name ? { playerId: claims.sub, name: claims.name } : undefined);
  }

  signOut(): void {
    this.#token = undefined;
    this.#expiresAt = undefined;
    this.#player = undefined;
    this.#events.emit("token", { token: undefined, expiresAt: undefined, player: undefined });
  }

  /**
   * The token source used by every transport. Concurrent callers share one
   * refresh. Throws AuthError when a refused or expired token cannot be
   * replaced.
   */
  async getToken(request: TokenRequest): Promise<string | undefined> {
    while (this.#inflight) {
      const result = await this.#inflight.catch(() => undefined);
      // The shared answer is good enough unless it is the very token this caller saw refused.
      if (result !== undefined && (request.reason === "connect" || result !== request.token)) return result;
      if (result === undefined && request.reason === "connect") return this.#token;
    }
    const work = this.#obtain(request).finally(() => {
      if (this.#inflight === work) this.#inflight = undefined;
    });
    this.#inflight = work;
    return await work;
  }

  async #obtain(request: TokenRequest): Promise<string | undefined> {
    const current = this.#token;
    // Someone else already replaced the token this request is about.
    if (request.reason !== "connect" && current && request.token !== undefined && current !== request.token) return current;
    if (request.reason === "expiring" && current && this.#expiresAt !== undefined && request.expiresAt !== undefined && this.#expiresAt > request.expiresAt) {
      return current;
    }

    if (this.#getToken) {
      if (request.reason === "connect" && current && !this.#expiresSoon()) return current;
      const grant = await this.#getToken(request);
      if (grant == null || (typeof grant === "object" && !grant.token)) {
        if (request.reason === "connect") return current;
        throw new AuthError("UNAUTHORIZED", "getToken() returned no token");
      }
      const token = typeof grant === "string" ? grant : grant.token;
      const claims = decodeJwtClaims(token);
      const expiresAt = (typeof grant === "object" ? grant.expiresAt : undefined) ?? claims?.exp;
      if (token !== current) this.#set(token, expiresAt, claims?.sub && claims.name ? { playerId: claims.sub, name: claims.name } : this.#player);
      return token;
    }

    // Built-in session.
    if (!current) return undefined; // the server answers 401; the caller turns the second refusal into AuthError
    if (request.reason === "connect") {
      if (!this.#expiresSoon() || this.#expired()) return current;
      try {
        return (await this.refresh()).token;
      } catch {
        return this.#token; // still valid for a little while; the server decides
      }
    }
    // expiring / rejected / expired: only a refresh helps. An expired token
    // cannot be refreshed (the server says TOKEN_EXPIRED): sign in again.
    return (await this.refresh()).token;
  }

  #expiresSoon(): boolean {
    if (this.#expiresAt === undefined) return false;
    // Never refresh earlier than two thirds into the token's life (short-lived tokens would refresh on every call).
    const lifetime = this.#expiresAt - this.#receivedAt;
    const lead = Math.min(this.#leadSeconds, lifetime / 3);
    return this.#expiresAt - Date.now() / 1000 < lead;
  }

  #expired(): boolean {
    return this.#expiresAt !== undefined && this.#expiresAt <= Date.now() / 1000;
  }

  #set(token: string, expiresAt: number | undefined, player: PlayerIdentity | undefined): void {
    if (token === this.#token && expiresAt === this.#expiresAt) return; // a refresh within the same second returns the same JWT
    this.#token = token;
    this.#expiresAt = expiresAt;
    this.#receivedAt = Date.now() / 1000;
    this.#player = player;
    this.#events.emit("token", { token, expiresAt, player });
  }

  #requireHttp(): HttpClient {
    if (!this.#http) throw new Error("client-sdk: AuthClient is not attached to a client");
    return this.#http;
  }
}

/**
 * Reads a JWT's payload without verifying it (the server verifies; the
 * client only wants `exp` to plan refreshes). Undefined for anything that is
 * not a JWT.
 */
export function decodeJwtClaims(token: string): { exp?: number; sub?: string; name?: string } | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json) as Record<string, unknown>;
    return {
      exp: typeof claims.exp === "number" ? claims.exp : undefined,
      sub: typeof claims.sub === "string" ? claims.sub : undefined,
      name: typeof claims.name === "string" ? claims.name : undefined,
    };
  } catch {
    return undefined;
  }
}
