import { once } from "node:events";
import WebSocket, { type ClientOptions } from "ws";
import type { TestServer } from "./test-server.ts";

/** Colyseus protocol byte a client sends to acknowledge JOIN_ROOM (@colyseus/shared-types Protocol). */
const JOIN_ROOM = 10;
/** ... and to leave on purpose (the room answers with 4000 CONSENTED; no seat is held for a reconnection). */
const LEAVE_ROOM = 12;

export interface RawSeat {
  ws: WebSocket;
  roomId: string;
  sessionId: string;
  /** Resolves with the close code the client saw. */
  closed: Promise<number>;
  /** Leaves on purpose (LEAVE_ROOM) and resolves with the close code. */
  leave(): Promise<number>;
}

/**
 * Joins a room the way the SDK does (matchmake POST, then the WebSocket with
 * the seat reservation), but over a raw `ws` socket the test controls: it can
 * pause reading, send arbitrary bytes or oversized frames.
 */
export async function rawJoin(
  server: Pick<TestServer, "httpUrl" | "wsUrl">,
  token: string,
  how: { create: string; options?: unknown } | { roomId: string; options?: unknown },
  wsOptions: ClientOptions = {},
): Promise<RawSeat> {
  const path = "create" in how ? `create/${how.create}` : `joinById/${how.roomId}`;
  const response = await fetch(`${server.httpUrl}/matchmake/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(how.options ?? {}),
  });
  if (response.status !== 200) throw new Error(`matchmake ${path}: ${response.status} ${await response.text()}`);
  return openSeat(server, token, (await response.json()) as SeatReservation, wsOptions);
}

export interface SeatReservation {
  roomId: string;
  processId: string;
  sessionId: string;
}

/**
 * Takes a seat the matchmaker reserved (the WebSocket half of a join). A
 * reservation nobody takes holds a Colyseus timer (15 s) past the server's
 * close, so tests that only want the matchmake answer take the seat and leave.
 */
export async function openSeat(server: Pick<TestServer, "wsUrl">, token: string, seat: SeatReservation, wsOptions: ClientOptions = {}): Promise<RawSeat> {
  const url = `${server.wsUrl}/${seat.processId}/${seat.roomId}?sessionId=${seat.sessionId}&_authToken=${encodeURIComponent(token)}`;
  const ws = new WebSocket(url, wsOptions);
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  ws.on("error", () => undefined); // a close follows; tests look at the code
  const [first] = (await once(ws, "message")) as [Buffer];
  if (first[0] !== JOIN_ROOM) throw new Error(`expected JOIN_ROOM, got protocol byte ${first[0]}: ${first.subarray(1).toString("latin1")}`);
  ws.send(Buffer.from([JOIN_ROOM]));
  const leave = () => {
    if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.from([LEAVE_ROOM]));
    return closed;
  };
  return { ws, roomId: seat.roomId, sessionId: seat.sessionId, closed, leave };
}
