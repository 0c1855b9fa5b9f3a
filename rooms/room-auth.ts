import { ServerError, ErrorCode } from "@colyseus/core";
import { AppError, type TokenClaims, type TokenVerifier } from "../shared/index.ts";

/**
 * Verifies a room join's token with the shared verifier. The matchmaker
 * answers a failed `onAuth` with Colyseus's AUTH_FAILED (525); the message
 * starts with the project's error code (`TOKEN_EXPIRED: …`) so the SDK can
 * tell "refresh and retry" from "give up".
 */
export async function verifyRoomToken(tokens: TokenVerifier, token: string | undefined): Promise<TokenClaims> {
  try {
    return await tokens.verify(token);
  } catch (error) {
    if (error instanceof AppError) throw new ServerError(ErrorCode.AUTH_FAILED, `${error.code}: ${error.message}`);
    throw error;
  }
}
