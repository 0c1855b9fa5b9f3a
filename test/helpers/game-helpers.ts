import { matchMaker } from "@colyseus/core";
import { Client, type Room } from "@colyseus/sdk";
import {
  GameServerMessage,
  GameState,
  ServerMessage,
  type GameJoinOptionsInput,
  type GameRoomOptionsInput,
  type GoalMessage,
  type MatchFinishedMessage,
  type RoomErrorMessage,
} from "../../shared/index.ts";
import type { TestServer } from "./test-server.ts";

export interface GameSeat {
  client: Client;
  room: Room<any, GameState>;
  playerId: string;
  errors: RoomErrorMessage[];
  goals: GoalMessage[];
  finished: MatchFinishedMessage[];
  /** Resolves with the close code. */
  left: Promise<number>;
  /** Sends an input with the next sequence number. */
  input(dir: { x: number; y: number }, kick?: boolean): number;
}

/** Joins `game` with the stock SDK: creates with `create` options, or joins `roomId`. */
export async function joinGame(
  server: TestServer,
  name: string,
  how: { create: GameRoomOptionsInput } | { roomId: string; options?: GameJoinOptionsInput },
): Promise<GameSeat> {
  const { token, playerId } = await server.guestToken(name);
  const client = new Client(server.wsUrl);
  client.auth.token = token;
  const room: Room<any, GameState> =
    "create" in how ? await client.create("game", how.create, GameState) : await client.joinById(how.roomId, how.options ?? {}, GameState);
  // Tests drop sockets on purpose and reconnect by hand.
  room.reconnection.enabled = false;
  return wrap(client, room, playerId);
}

export function wrap(client: Client, room: Room<any, GameState>, playerId: string): GameSeat {
  const seat: GameSeat = {
    client,
    room,
    playerId,
    errors: [],
    goals: [],
    finished: [],
    left: new Promise<number>((resolve) => room.onLeave((code) => resolve(code))),
    input(dir, kick = false) {
      const seq = ++inputSeq;
      room.send("input", { seq, dir, kick });
      return seq;
    },
  };
  let inputSeq = 0;
  room.onMessage(ServerMessage.ERROR, (error: RoomErrorMessage) => seat.errors.push(error));
  room.onMessage(GameServerMessage.GOAL, (goal: GoalMessage) => seat.goals.push(goal));
  room.onMessage(GameServerMessage.FINISHED, (message: MatchFinishedMessage) => seat.finished.push(message));
  room.onMessage(ServerMessage.AUTH_EXPIRING, () => undefined);
  return seat;
}

/** The room instance behind a client's room (in-process server). */
export function serverRoom(roomId: string): ReturnType<typeof matchMaker.getLocalRoomById> & object {
  const room = matchMaker.getLocalRoomById(roomId);
  if (!room) throw new Error(`no local room ${roomId}`);
  return room;
}

/** Simulates a network drop: terminates the server side of a client's socket (no close frame → 1006). */
export function dropConnection(roomId: string, sessionId: string): void {
  const room = matchMaker.getLocalRoomById(roomId);
  const client = room?.clients.find((c) => c.sessionId === sessionId) as { ref?: { terminate(): void } } | undefined;
  if (!client?.ref) throw new Error(`no client ${sessionId} in ${roomId}`);
  client.ref.terminate();
}

export async function leaveAll(...seats: (GameSeat | undefined)[]): Promise<void> {
  await Promise.all(seats.map((seat) => (seat?.room.connection?.isOpen ? seat.room.leave().catch(() => undefined) : undefined)));
}

/** Metres from the wire's centimetres. */
export const metres = (units: number) => units / 100;
