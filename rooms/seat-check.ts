import type { IncomingMessage } from "node:http";
import { ErrorCode as ColyseusErrorCode, matchMaker } from "@colyseus/core";
import { AppError, formatRefusal, type ErrorCode, type TokenClaims, type TokenVerifier } from "../shared/index.ts";
import type { SocketGuardState } from "./socket-guard.ts";

/** Why a WebSocket may not take the seat it names: sent as Colyseus's join error (525, `CODE: message`), then close 4002. */
export interface SeatRefusal {
  matchmakeCode: number;
  message: string;
}

/** The seats a room holds, as Colyseus keeps them: sessionId → [joinOptions, authData, consumed, reconnecting]. */
type ReservedSeats = Record<string, [unknown, unknown, boolean?, boolean?] | undefined>;

const refuse = (code: ErrorCode, message: string): SeatRefusal => ({ matchmakeCode: ColyseusErrorCode.AUTH_FAILED, message: formatRefusal(code, message) });

/**
 * A seat reservation belongs to its player (docs/protocol.md "Every project
 * room"): the matchmaker reserved it for the player whose token it verified
 * (the seat's auth data); the WebSocket that takes it must carry a valid
 * token of that same player. Checked before Colyseus consumes the
 * reservation, so a refused attempt leaves the seat to its player.
 * Reconnections (with a reconnection token, a per-connection secret) and
 * rooms without a player token (the lobby) are left to Colyseus. On success
 * the verified claims are kept on the socket's guard for the room.
 */
export async function checkSeatOwner(req: IncomingMessage, guard: SocketGuardState, tokens: TokenVerifier): Promise<SeatRefusal | undefined> {
  const url = new URL(req.url ?? "/", "ws://server");
  const sessionId = url.searchParams.get("sessionId");
  const roomId = /\/[a-zA-Z0-9_-]+\/([a-zA-Z0-9_-]+)$/.exec(url.pathname)?.[1];
  if (!sessionId || !roomId || url.searchParams.has("reconnectionToken")) return undefined;
  const room = matchMaker.getLocalRoomById(roomId) as unknown as { _reservedSeats?: ReservedSeats } | undefined;
  const seat = room?._reservedSeats?.[sessionId];
  const owner = (seat?.[1] as Partial<TokenClaims> | undefined)?.playerId;
  if (!seat || seat[3] || typeof owner !== "string") return undefined; // no such seat (Colyseus answers), a reconnection, or no player behind it
  if (!guard.token) return refuse("UNAUTHORIZED", "Send the player's token with the WebSocket (the arena.token.<jwt> subprotocol, or the _authToken query parameter as @colyseus/sdk does with client.auth.token)");
  let claims: TokenClaims;
  try {
    claims = await tokens.verify(guard.token);
  } catch (error) {
    if (error instanceof AppError) return refuse(error.code, error.message);
    throw error;
  }
  if (claims.playerId !== owner) return refuse("FORBIDDEN", "This seat is reserved for another player");
  guard.claims = claims;
  return undefined;
}
