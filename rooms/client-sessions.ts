import type { Client } from "@colyseus/core";
import type { Delayed } from "@colyseus/timer";
import { AppError, CloseCodes, ServerMessage, type AuthExpiryMessage, type ErrorCode, type TokenClaims, type TokenVerifier } from "../shared/index.ts";

export interface ClientSession {
  /** Set once the server decided to close this client: later messages are ignored. */
  closing: boolean;
  /** The code the server closed it with: decides whether its seat is held, whatever code the peer echoes. */
  closedWith?: number;
  claims: TokenClaims;
  /**
   * The socket failed a WebSocket protocol check (frame over
   * WS_MAX_PAYLOAD_BYTES → 1009, invalid UTF-8 → 1007, bad framing → 1002).
   * `ws` sends that code but never reads the peer's echo, so the room sees
   * 1006 as if the network dropped; this flag keeps such a client from
   * holding its seat for reconnection (those codes are final).
   */
  protocolError?: boolean;
  expiryWarning?: Delayed;
  expiry?: Delayed;
}

/** What the sessions need from their room. */
export interface SessionHost {
  schedule(fn: () => void, ms: number): Delayed;
  /** Seconds before expiry that `auth.expiring` is sent. */
  readonly authRefreshLeadSeconds: number;
  sendError(client: Client, code: ErrorCode, message: string, extra: { type?: string }): void;
}

/**
 * A room's seated clients and their tokens: `auth.expiring` before a token
 * expires, 4101 AUTH_EXPIRED when it does, `auth.refresh` accepted for the
 * same player, 4102 AUTH_REVOKED for a token of another player or a forged one.
 */
export class ClientSessions {
  readonly #sessions = new Map<string, ClientSession>();

  constructor(private readonly host: SessionHost) {}

  get(sessionId: string): ClientSession | undefined {
    return this.#sessions.get(sessionId);
  }

  has(sessionId: string): boolean {
    return this.#sessions.has(sessionId);
  }

  start(client: Client, claims: TokenClaims): void {
    const session: ClientSession = { claims, closing: false };
    this.#sessions.set(client.sessionId, session);
    this.scheduleAuth(client, session);
  }

  /** The client left for good. */
  end(sessionId: string): void {
    this.clearAuthTimers(sessionId);
    this.#sessions.delete(sessionId);
  }

  /** A client closed with a reconnectable code came back: listen to it again. */
  resume(client: Client): boolean {
    const session = this.#sessions.get(client.sessionId);
    if (!session) return false;
    session.closing = false;
    session.closedWith = undefined;
    session.protocolError = false;
    this.scheduleAuth(client, session);
    return true;
  }

  /** Closes a client by the server's decision (its messages are ignored from now on). */
  close(client: Client, session: ClientSession, code: number, reason: string): void {
    session.closing = true;
    session.closedWith = code;
    this.clearAuthTimers(client.sessionId, session);
    client.leave(code, reason);
  }

  /** `auth.refresh`: a new token of the same player extends the session. */
  async refresh(client: Client, token: string, tokens: TokenVerifier): Promise<void> {
    const session = this.#sessions.get(client.sessionId);
    if (!session) return;
    let claims: TokenClaims;
    try {
      claims = await tokens.verify(token);
    } catch (error) {
      if (error instanceof AppError && error.code === "TOKEN_EXPIRED") {
        // The old token still holds until its own expiry; the client may try again.
        return this.host.sendError(client, "TOKEN_EXPIRED", "The new token is already expired", { type: "auth.refresh" });
      }
      return this.close(client, session, CloseCodes.AUTH_REVOKED.code, "invalid token on refresh");
    }
    if (claims.playerId !== session.claims.playerId) {
      return this.close(client, session, CloseCodes.AUTH_REVOKED.code, "token belongs to another player");
    }
    session.claims = claims;
    client.auth = claims;
    this.scheduleAuth(client, session);
    client.send(ServerMessage.AUTH_REFRESHED, { expiresAt: claims.expiresAt } satisfies AuthExpiryMessage);
  }

  scheduleAuth(client: Client, session: ClientSession): void {
    this.clearAuthTimers(client.sessionId, session);
    const msLeft = session.claims.expiresAt * 1000 - Date.now();
    const warnIn = msLeft - this.host.authRefreshLeadSeconds * 1000;
    const warn = () => client.send(ServerMessage.AUTH_EXPIRING, { expiresAt: session.claims.expiresAt } satisfies AuthExpiryMessage);
    if (warnIn <= 0) warn();
    else session.expiryWarning = this.host.schedule(warn, warnIn);
    session.expiry = this.host.schedule(() => this.close(client, session, CloseCodes.AUTH_EXPIRED.code, "token expired"), Math.max(0, msLeft));
  }

  clearAuthTimers(sessionId: string, session = this.#sessions.get(sessionId)): void {
    session?.expiryWarning?.clear();
    session?.expiry?.clear();
  }
}
