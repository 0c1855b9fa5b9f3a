/**
 * WebSocket close codes, split into "may reconnect" and "final"
 * (docs/protocol.md "WebSocket close codes"). The SDK decides what to do from this table alone.
 *
 * 1000–1015 are the RFC 6455 codes; 4000–4010 are Colyseus's own
 * (`@colyseus/shared-types` CloseCode) and keep their meaning; the project's
 * codes live in 4100–4199 so they never collide with either.
 *
 * `action`:
 * - `reconnect`: the seat may still be there; reconnect with the room's
 *   reconnection token, then fall back to joining again.
 * - `rejoin`: the room is gone from this process (drain); join again through
 *   matchmaking, with backoff.
 * - `refresh-token`: fetch a new token (`getToken()`), then reconnect.
 * - `final`: do not retry; surface the reason.
 */
export const CloseCodes = {
  NORMAL: { code: 1000, action: "final", description: "Closed normally (the client left)." },
  GOING_AWAY: { code: 1001, action: "reconnect", description: "The peer went away (page unload, proxy restart)." },
  ABNORMAL: { code: 1006, action: "reconnect", description: "The connection dropped without a close frame." },
  MESSAGE_TOO_BIG: { code: 1009, action: "final", description: "A client frame exceeded WS_MAX_PAYLOAD_BYTES." },
  CONSENTED: { code: 4000, action: "final", description: "Colyseus: the client left on purpose (room.leave())." },
  SERVER_SHUTDOWN: { code: 4001, action: "rejoin", description: "Colyseus: the room was disposed because the process is shutting down." },
  WITH_ERROR: { code: 4002, action: "final", description: "Colyseus: a message failed its schema validation or the room threw." },
  FAILED_TO_RECONNECT: { code: 4003, action: "final", description: "Colyseus: the reconnection window expired." },
  MAY_TRY_RECONNECT: { code: 4010, action: "reconnect", description: "Colyseus: the server asks the client to reconnect." },
  AUTH_EXPIRED: { code: 4101, action: "refresh-token", description: "The connection's token expired without an in-band refresh." },
  AUTH_REVOKED: { code: 4102, action: "final", description: "The token was rejected on refresh (tampered, wrong player)." },
  RATE_LIMITED: { code: 4103, action: "final", description: "The client sent messages faster than its rate limit allows." },
  SLOW_CONSUMER: { code: 4104, action: "reconnect", description: "The client did not read its socket fast enough; its backlog passed the limit." },
  KICKED: { code: 4105, action: "final", description: "Removed from the room by its captain or commissioner." },
  DRAINING: { code: 4106, action: "rejoin", description: "The process is draining (SIGTERM); join again, another process will take it." },
  ROOM_CLOSED: { code: 4107, action: "final", description: "The room ended (match finished, team disbanded)." },
} as const satisfies Record<string, { code: number; action: CloseAction; description: string }>;

export type CloseAction = "reconnect" | "rejoin" | "refresh-token" | "final";
export type CloseCodeName = keyof typeof CloseCodes;
export type CloseCode = (typeof CloseCodes)[CloseCodeName]["code"];

const byNumber = new Map<number, { name: CloseCodeName; action: CloseAction }>(
  (Object.keys(CloseCodes) as CloseCodeName[]).map((name) => [CloseCodes[name].code, { name, action: CloseCodes[name].action }]),
);

/**
 * What a client should do after a close with `code`. Unknown codes in the
 * application range (4000–4999) are final; unknown transport codes
 * (1002–1015) are treated as a dropped connection and may reconnect.
 */
export function closeActionFor(code: number): CloseAction {
  const known = byNumber.get(code);
  if (known) return known.action;
  if (code >= 4000 && code <= 4999) return "final";
  if (code === 1000) return "final";
  return "reconnect";
}

export function closeCodeName(code: number): CloseCodeName | undefined {
  return byNumber.get(code)?.name;
}
