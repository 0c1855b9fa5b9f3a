import { ErrorCode } from "@colyseus/core";
import type { TokenClaims, TokenVerifier } from "../shared/index.ts";
import { asRefusal } from "./refusal.ts";

/**
 * Verifies a room join's token with the shared verifier. The matchmaker
 * answers a failed `onAuth` with Colyseus's AUTH_FAILED (525); the message
 * starts with the project's error code (`TOKEN_EXPIRED: …`) so the SDK can
 * tell "refresh and retry" from "give up".
 */
export async function verifyRoomToken(tokens: TokenVerifier, token: string | undefined): Promise<TokenClaims> {
  return asRefusal(tokens.verify(token), ErrorCode.AUTH_FAILED);
}
