/* Zod-free, so the SDK's bundles can import it. */

/**
 * A seat is taken only with its player's token (docs/protocol.md "Every
 * project room"). A client sends it with the room's WebSocket either as the
 * `_authToken` query parameter (what a stock @colyseus/sdk does with
 * `client.auth.token`) or, to keep it out of URLs and proxy logs, as a
 * WebSocket subprotocol: offer `[ROOM_WS_PROTOCOL, ROOM_WS_TOKEN_PREFIX + token]`
 * (a JWT is a valid protocol token); the server selects `ROOM_WS_PROTOCOL`.
 */
export const ROOM_WS_PROTOCOL = "arena.v1";
export const ROOM_WS_TOKEN_PREFIX = "arena.token.";
