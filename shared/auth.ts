import { z } from "zod";
import { IdPatterns } from "./ids.ts";
import { displayText } from "./text.ts";

/** A display name: 1..24 characters under the text rule (shared/text.ts: no control or bidi characters, NFC, trimmed). */
export const PlayerName = displayText("name", { max: 24 });

export const GuestAuthRequest = z.strictObject({ name: PlayerName });
export type GuestAuthRequest = z.infer<typeof GuestAuthRequest>;

/** `POST /v1/auth/guest` and `POST /v1/auth/refresh` answer with this. */
export interface TokenResponse {
  token: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  player: PlayerIdentity;
}

export interface PlayerIdentity {
  playerId: string;
  name: string;
}

/** What a verified token says about its bearer. */
export interface TokenClaims extends PlayerIdentity {
  /** Seconds since the epoch. */
  expiresAt: number;
  issuedAt: number;
}

/**
 * The one verifier used by the HTTP middleware and by every room's `onAuth`
 * (implemented in server/, injected into api/ and rooms/). Throws
 * `AppError` with `UNAUTHORIZED`, `TOKEN_EXPIRED` or `TOKEN_INVALID`.
 */
export interface TokenVerifier {
  verify(token: string | undefined | null): Promise<TokenClaims>;
}

export interface TokenIssuer extends TokenVerifier {
  issue(identity: PlayerIdentity): Promise<TokenResponse>;
}

/** Player ids are opaque; this is their only valid shape. */
export const PlayerId = z.string().regex(IdPatterns.player, "not a player id");
