import { Client, type Room } from "@colyseus/sdk";
import {
  GameState,
  ServerMessage,
  TeamRoomState,
  TeamServerMessage,
  type MatchFoundMessage,
  type RoomErrorMessage,
  type TeamClientMessages,
  type TeamCreateOptionsInput,
  type MessagePayload,
} from "../../shared/index.ts";
import { waitFor } from "./wait.ts";

/** Where a test player connects: an in-process test server or a child process. */
export interface TeamServerLike {
  wsUrl: string;
  httpUrl: string;
}

export async function guest(server: TeamServerLike, name: string): Promise<{ token: string; playerId: string }> {
  const response = await fetch(`${server.httpUrl}/v1/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
  if (response.status !== 201) throw new Error(`guest auth failed: ${response.status}`);
  const body = (await response.json()) as { token: string; player: { playerId: string } };
  return { token: body.token, playerId: body.player.playerId };
}

/** A player in a team room through the stock SDK, recording what the room sends. */
export interface TeamPlayer {
  name: string;
  playerId: string;
  client: Client;
  room: Room<any, TeamRoomState>;
  errors: RoomErrorMessage[];
  matches: MatchFoundMessage[];
  /** Resolves with the close code. */
  left: Promise<number>;
  send<K extends keyof typeof TeamClientMessages & string>(type: K, payload: MessagePayload<typeof TeamClientMessages, K>): void;
  /** Waits for the next `error` message (after those already received). */
  nextError(): Promise<RoomErrorMessage>;
  /** Waits for the next `matchFound`. */
  nextMatch(): Promise<MatchFoundMessage>;
}

export async function connectPlayer(server: TeamServerLike, name: string): Promise<{ client: Client; playerId: string; token: string }> {
  const { token, playerId } = await guest(server, name);
  const client = new Client(server.wsUrl);
  client.auth.token = token;
  return { client, playerId, token };
}

export async function createTeam(server: TeamServerLike, name: string, options: TeamCreateOptionsInput = {}): Promise<TeamPlayer> {
  const { client, playerId } = await connectPlayer(server, name);
  return wrap(name, playerId, client, await client.create("team", options, TeamRoomState));
}

export async function joinTeam(server: TeamServerLike, name: string, code: string): Promise<TeamPlayer> {
  const { client, playerId } = await connectPlayer(server, name);
  return wrap(name, playerId, client, await client.join("team", { code }, TeamRoomState));
}

export function wrap(name: string, playerId: string, client: Client, room: Room<any, TeamRoomState>): TeamPlayer {
  const errors: RoomErrorMessage[] = [];
  const matches: MatchFoundMessage[] = [];
  const player: TeamPlayer = {
    name,
    playerId,
    client,
    room,
    errors,
    matches,
    left: new Promise<number>((resolve) => room.onLeave((code) => resolve(code))),
    send: (type, payload) => room.send(type, payload),
    async nextError() {
      const seen = errors.length;
      return waitFor(() => errors[seen], "an error message");
    },
    async nextMatch() {
      const seen = matches.length;
      return waitFor(() => matches[seen], `${name}'s matchFound`, 15_000);
    },
  };
  room.onMessage(ServerMessage.ERROR, (error: RoomErrorMessage) => errors.push(error));
  room.onMessage(TeamServerMessage.MATCH_FOUND, (message: MatchFoundMessage) => matches.push(message));
  room.onMessage(ServerMessage.AUTH_EXPIRING, () => undefined);
  return player;
}

/** Every player says ready, then the state shows it to the first. */
export async function readyAll(players: TeamPlayer[]): Promise<void> {
  for (const player of players) player.send("ready", { ready: true });
  const view = players[0]!.room;
  await waitFor(() => players.every((p) => view.state.members.get(p.room.sessionId)?.ready), "everyone ready");
}

/** A team of `names.length` players: the first creates (and captains), the rest join by code. */
export async function formTeam(server: TeamServerLike, names: string[], options: TeamCreateOptionsInput = {}, joinVia: TeamServerLike[] = []): Promise<TeamPlayer[]> {
  const captain = await createTeam(server, names[0]!, { size: names.length, ...options });
  await waitFor(() => captain.room.state.code, "the code");
  const players = [captain];
  for (const [i, name] of names.slice(1).entries()) players.push(await joinTeam(joinVia[i] ?? server, name, captain.room.state.code));
  await waitFor(() => captain.room.state.members.size === names.length, "the whole team in state");
  return players;
}

/** Consumes a matchFound's seat reservation with the stock SDK (the player's own client). */
export async function joinMatch(player: TeamPlayer, match: MatchFoundMessage): Promise<Room<any, GameState>> {
  const room = await player.client.consumeSeatReservation(match.reservation, GameState);
  room.onMessage("*", () => undefined);
  return room;
}

export async function leaveAll(rooms: (Room | { room: Room } | undefined)[]): Promise<void> {
  await Promise.all(
    rooms.map(async (entry) => {
      const room = entry && "room" in entry ? entry.room : (entry as Room | undefined);
      if (room?.connection?.isOpen) await room.leave().catch(() => undefined);
    }),
  );
}
