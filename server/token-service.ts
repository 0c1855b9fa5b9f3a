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

export class TokenService implements TokenIssuer {
  readonly #key: Uint8Array;
  readonly #ttl: number;
  readonly #now: () => number;

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
      throw new AppError("UNAUTHORIZED", "A bearer token is required", { headers: WWW_AUTHENTICATE("invalid_request", "missing token") });
    }
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
        throw new AppError("TOKEN_EXPIRED", "The token has expired; refresh it or get a new one", {
          cause: error,
          headers: WWW_AUTHENTICATE("invalid_token", "token expired"),
        });
      }
      throw new AppError("TOKEN_INVALID", "The token is not valid", { cause: error, headers: WWW_AUTHENTICATE("invalid_token", "token invalid") });
    }
  }
}
