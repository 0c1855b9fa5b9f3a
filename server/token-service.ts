import { randomBytes } from "node:crypto";
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import { AppError, type PlayerIdentity, type TokenClaims, type TokenIssuer, type TokenResponse } from "../shared/index.ts";

/**
 * Player tokens: HS256 JWTs signed with `jose` (a maintained, dependency-free
 * JOSE library that also runs in browsers). Claims: `sub` = player id,
 * `name`, `iat`, `exp`, and a fixed issuer/audience so a token minted for
 * another service with the same secret is rejected.
 */
export const TOKEN_ISSUER = "arena-lobby";
export const TOKEN_AUDIENCE = "arena-lobby:player";

const WWW_AUTHENTICATE = (error: string, description: string) => ({
  "WWW-Authenticate": `Bearer realm="arena-lobby", error="${error}", error_description="${description}"`,
});

export interface TokenServiceOptions {
  secret: string;
  ttlSeconds: number;
  /** Injectable clock (seconds), for tests of expiry. */
  now?: () => number;
}

export function newPlayerId(): string {
  // 16 random bytes -> 26 base32 chars; opaque, URL-safe, and matches shared PlayerId.
  const alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
  const bytes = randomBytes(16);
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return `p_${out}`;
}

/**
 * How many verified tokens `verify` remembers. Long polls re-send the same
 * token every ~25 s; a full HS256 check (jose, WebCrypto) costs far more than
 * the rest of a re-poll. Sized for a crowd of 10,000+ distinct pollers
 * (~0.5 KB an entry, so at most ~10 MB). A cache size, not an operator's
 * limit: nothing is refused past it, the least recently used entry is
 * checked in full again.
 * @default 20000
 */
export const VERIFIED_TOKENS_REMEMBERED = 20_000;
/**
 * A remembered token unused this long is forgotten, so abandoned clients
 * cost nothing after a while.
 * @default 120000
 */
export const VERIFIED_TOKEN_IDLE_MS = 120_000;
/**
 * How often forgotten tokens are swept out.
 * @default 60000
 */
export const VERIFIED_TOKEN_SWEEP_MS = 60_000;

interface Remembered {
  claims: TokenClaims;
  /** performance.now() of the last use. */
  usedAt: number;
}

export class TokenService implements TokenIssuer {
  readonly #key: Uint8Array;
  readonly #ttl: number;
  readonly #now: () => number;
  /**
   * Tokens that passed the full check, keyed by the EXACT token string (any
   * changed byte — a tampered payload, header or signature — is another key
   * and gets the full check), in least-recently-used order. A hit still
   * checks expiry against the clock; an expired token is dropped and fully
   * re-checked, which answers TOKEN_EXPIRED as before.
   */
  readonly #verified = new Map<string, Remembered>();
  #sweeper?: NodeJS.Timeout;

  constructor(options: TokenServiceOptions) {
    this.#key = new TextEncoder().encode(options.secret);
    this.#ttl = options.ttlSeconds;
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  async issue(identity: PlayerIdentity): Promise<TokenResponse> {
    const issuedAt = this.#now();
    const expiresAt = issuedAt + this.#ttl;
    const token = await new SignJWT({ name: identity.name })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(identity.playerId)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.#key);
    return { token, expiresAt, player: { playerId: identity.playerId, name: identity.name } };
  }

  async verify(token: string | undefined | null): Promise<TokenClaims> {
    if (!token) {
      throw new AppError("UNAUTHORIZED", "A bearer token is required: send Authorization: Bearer <token> (POST /v1/auth/guest gives one)", { headers: WWW_AUTHENTICATE("invalid_request", "missing token") });
    }
    const remembered = this.#verified.get(token);
    if (remembered !== undefined) {
      this.#verified.delete(token);
      if (this.#now() < remembered.claims.expiresAt) {
        remembered.usedAt = performance.now();
        this.#verified.set(token, remembered);
        return { ...remembered.claims };
      }
    }
    const claims = await this.#verifyFully(token);
    this.#remember(token, claims);
    return { ...claims };
  }

  #remember(token: string, claims: TokenClaims): void {
    // A flat copy of the key: the token as parsed out of a request header may keep the whole header string alive.
    const key = Buffer.from(token, "latin1").toString("latin1");
    this.#verified.set(key, { claims, usedAt: performance.now() });
    if (this.#verified.size > VERIFIED_TOKENS_REMEMBERED) this.#verified.delete(this.#verified.keys().next().value!);
    if (!this.#sweeper) {
      this.#sweeper = setInterval(() => this.#sweep(), VERIFIED_TOKEN_SWEEP_MS);
      this.#sweeper.unref();
    }
  }

  /** Drops tokens unused for VERIFIED_TOKEN_IDLE_MS (the map is in least-recently-used order: stop at the first fresh one). */
  #sweep(): void {
    const cutoff = performance.now() - VERIFIED_TOKEN_IDLE_MS;
    for (const [token, remembered] of this.#verified) {
      if (remembered.usedAt > cutoff) break;
      this.#verified.delete(token);
    }
    if (this.#verified.size === 0) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }

  async #verifyFully(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ["HS256"],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        currentDate: new Date(this.#now() * 1000),
        clockTolerance: 0,
      });
      if (typeof payload.sub !== "string" || typeof payload.name !== "string" || typeof payload.exp !== "number" || typeof payload.iat !== "number") {
        throw new AppError("TOKEN_INVALID", "The token is missing required claims", { headers: WWW_AUTHENTICATE("invalid_token", "missing claims") });
      }
      return { playerId: payload.sub, name: payload.name, expiresAt: payload.exp, issuedAt: payload.iat };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof joseErrors.JWTExpired) {
        throw new AppError("TOKEN_EXPIRED", "The token has expired and cannot be refreshed; sign in again for a new one (POST /v1/auth/guest, or your own sign-in)", {
          cause: error,
          headers: WWW_AUTHENTICATE("invalid_token", "token expired"),
        });
      }
      throw new AppError("TOKEN_INVALID", "The token is not valid (signature, issuer, audience or format); sign in again for a new one", { cause: error, headers: WWW_AUTHENTICATE("invalid_token", "token invalid") });
    }
  }
}
