import { once } from "node:events";
import { decode, type Iterator } from "@colyseus/schema";
import { Client } from "@colyseus/sdk";
import WebSocket from "ws";
import { ROOM_WS_PROTOCOL, ROOM_WS_TOKEN_PREFIX } from "../../shared/index.ts";
import type { SeatReservation } from "./raw-join.ts";

/**
 * Helpers of the security suite (test/security/*.test.ts): each file is a
 * table of attacks, each row an attack a player could make through the real
 * server (stock @colyseus/sdk, the project's SDK, raw `ws`, fetch) and the
 * refusal it must get. Nothing here knows another test file.
 */

/** Where an attacker connects: an in-process test server or a child process. */
export interface Target {
  httpUrl: string;
  wsUrl: string;
}

/** Colyseus protocol bytes (@colyseus/shared-types Protocol). */
export const Frame = { JOIN_ROOM: 10, ERROR: 11, LEAVE_ROOM: 12, ROOM_DATA: 13, ROOM_DATA_BYTES: 17, PING: 18, ROOM_REQUEST: 21 } as const;

export async function guest(target: Target, name: string): Promise<{ token: string; playerId: string; name: string }> {
  const response = await fetch(`${target.httpUrl}/v1/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
  if (response.status !== 201) throw new Error(`guest sign-in: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { token: string; player: { playerId: string } };
  return { token: body.token, playerId: body.player.playerId, name };
}

/** A stock @colyseus/sdk client carrying `token` (as its users set it). */
export function stockClient(target: Target, token?: string): Client {
  const client = new Client(target.wsUrl);
  if (token) client.auth.token = token;
  return client;
}

/** `POST /matchmake/:method/:room` as any HTTP client sends it; the parsed answer. */
export async function matchmake(target: Target, token: string | undefined, method: string, room: string, options: unknown = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${target.httpUrl}/matchmake/${method}/${room}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(options),
  });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

/** A reservation made over HTTP (the first half of a join); fails the test if refused. */
export async function reserve(target: Target, token: string, method: string, room: string, options: unknown = {}): Promise<SeatReservation & { name: string; publicAddress?: string }> {
  const answer = await matchmake(target, token, method, room, options);
  if (answer.status !== 200) throw new Error(`matchmake ${method}/${room}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** What a raw WebSocket saw when it tried a seat: the first frame and, if it closed, the code. */
export interface RawAttempt {
  ws: WebSocket;
  /** Decoded when the first frame is Colyseus's ERROR. */
  error?: { code: number; message: string };
  joined: boolean;
  closed: Promise<number>;
}

/** Opens the room's WebSocket for `seat` with the token carried as chosen (or none) and reads the first answer. */
export async function openRawSeat(target: Target, seat: SeatReservation, carry: { query?: string; protocol?: string } = {}): Promise<RawAttempt> {
  const query = carry.query ? `&_authToken=${encodeURIComponent(carry.query)}` : "";
  const protocols = carry.protocol ? [ROOM_WS_PROTOCOL, `${ROOM_WS_TOKEN_PREFIX}${carry.protocol}`] : undefined;
  const ws = new WebSocket(`${target.wsUrl}/${seat.processId}/${seat.roomId}?sessionId=${seat.sessionId}${query}`, protocols);
  ws.on("error", () => undefined);
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  const first = await Promise.race([once(ws, "message").then(([data]) => data as Buffer), closed.then(() => undefined)]);
  if (!first) return { ws, joined: false, closed };
  if (first[0] === Frame.ERROR) {
    const it: Iterator = { offset: 1 };
    return { ws, joined: false, closed, error: { code: decode.number(first, it), message: decode.string(first, it) } };
  }
  if (first[0] === Frame.JOIN_ROOM) ws.send(Buffer.from([Frame.JOIN_ROOM]));
  return { ws, joined: first[0] === Frame.JOIN_ROOM, closed };
}

/**
 * Sends frames as fast as the socket takes them until the server closes it
 * (or `limit` frames went out); resolves with the close code, or "open".
 */
export async function flood(ws: WebSocket, send: (ws: WebSocket, i: number) => void, limit = 20_000): Promise<number | "open"> {
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  for (let i = 0; i < limit && ws.readyState === WebSocket.OPEN; i++) {
    try {
      send(ws, i);
    } catch {
      break; // closed under our feet
    }
    if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
  return Promise.race([closed, new Promise<"open">((resolve) => setTimeout(() => resolve("open"), 3000))]);
}

/** The prom-client counter value for `name{labels}` from `GET /metrics` (0 when absent). */
export async function metric(target: Target, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${target.httpUrl}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf("}"));
    if (wanted.every((pair) => labelText.split(",").includes(pair))) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return 0;
}
