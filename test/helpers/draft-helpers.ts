import { matchMaker } from "@colyseus/core";
import { Client, type Room } from "@colyseus/sdk";
import {
  DraftServerMessage,
  DraftState,
  ServerMessage,
  type CreateLeagueRequest,
  type DraftClientMessages,
  type DraftCompleteMessage,
  type DraftEvents,
  type DraftPickMessage,
  type DraftPickResult,
  type DraftUndoneMessage,
  type League,
  type MessagePayload,
  type RoomErrorMessage,
} from "../../shared/index.ts";
import type { DraftRoomControls } from "../../rooms/draft-room.ts";
import type { TestServer } from "./test-server.ts";
import { waitFor } from "./wait.ts";

export interface Player {
  token: string;
  playerId: string;
  name: string;
}

export async function player(server: TestServer, name: string): Promise<Player> {
  return { ...(await server.guestToken(name)), name };
}

async function api(server: TestServer, method: string, path: string, who: Player, body?: unknown): Promise<any> {
  const response = await fetch(`${server.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${who.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** Creates a league as `commissioner` and joins each manager (in order: t1, t2, … after the commissioner's own team if any). */
export async function leagueWith(server: TestServer, commissioner: Player, managers: Player[], body: Partial<CreateLeagueRequest> = {}): Promise<League> {
  const league = (await api(server, "POST", "/v1/leagues", commissioner, { name: "Test league", teamCount: Math.max(2, managers.length + (body.teamName ? 1 : 0)), ...body })) as League;
  for (const manager of managers) await api(server, "POST", "/v1/leagues/join", manager, { inviteCode: league.inviteCode, teamName: `${manager.name} FC` });
  return (await api(server, "GET", `/v1/leagues/${league.id}`, commissioner)) as League;
}

/** Seeds the `rating` board (the draftable pool and its rankings). */
export async function seedRatings(server: TestServer, players: { ownerId: string; name: string; score: number }[]): Promise<void> {
  await server.server.stores.leaderboards.submit("rating", players);
}

export interface DraftSeat {
  client: Client;
  room: Room<any, DraftState>;
  who: Player;
  errors: RoomErrorMessage[];
  picked: DraftPickMessage[];
  results: DraftPickResult[];
  undone: DraftUndoneMessage[];
  complete: DraftCompleteMessage[];
  /** Every `draft.*` message heard, by type, in order (typed reads: `heardOf`). */
  heard: Map<string, unknown[]>;
  /** Auction drafts: every `draft.auction.*` event, in order. */
  auction: { type: string; payload: unknown }[];
  send<K extends keyof typeof DraftClientMessages & string>(type: K, payload: MessagePayload<typeof DraftClientMessages, K>): void;
  /** Resolves with the next error after now. */
  nextError(): Promise<RoomErrorMessage>;
}

export async function joinDraft(server: TestServer, who: Player, leagueId: string): Promise<DraftSeat> {
  const client = new Client(server.wsUrl);
  client.auth.token = who.token;
  const room = await client.joinOrCreate("draft", { leagueId }, DraftState);
  room.reconnection.enabled = false; // tests drop and reconnect by hand
  return seatOf(client, room, who);
}

export function seatOf(client: Client, room: Room<any, DraftState>, who: Player): DraftSeat {
  const seat: DraftSeat = {
    client,
    room,
    who,
    errors: [],
    picked: [],
    results: [],
    undone: [],
    complete: [],
    heard: new Map(),
    auction: [],
    send: (type, payload) => room.send(type, payload),
    async nextError() {
      const seen = seat.errors.length;
      return waitFor(() => seat.errors[seen], "an error message");
    },
  };
  room.onMessage(ServerMessage.ERROR, (error: RoomErrorMessage) => seat.errors.push(error));
  room.onMessage(DraftServerMessage.PICKED, (pick: DraftPickMessage) => seat.picked.push(pick));
  room.onMessage(DraftServerMessage.PICK_RESULT, (result: DraftPickResult) => seat.results.push(result));
  room.onMessage(DraftServerMessage.UNDONE, (message: DraftUndoneMessage) => seat.undone.push(message));
  room.onMessage(DraftServerMessage.COMPLETE, (message: DraftCompleteMessage) => seat.complete.push(message));
  room.onMessage(ServerMessage.AUTH_EXPIRING, () => undefined);
  room.onMessage("*", (type, payload) => {
    if (typeof type !== "string" || !type.startsWith("draft.")) return;
    const list = seat.heard.get(type) ?? [];
    list.push(payload);
    seat.heard.set(type, list);
    if (type.startsWith("draft.auction.")) seat.auction.push({ type, payload });
  });
  return seat;
}

/** The `draft.*` events of one type a seat heard, typed by the contract. */
export function heardOf<K extends keyof DraftEvents>(seat: DraftSeat, type: K): DraftEvents[K][] {
  return (seat.heard.get(type) ?? []) as DraftEvents[K][];
}

/** The draft room's controls, in-process. */
export function draftControls(roomId: string): DraftRoomControls {
  const room = matchMaker.getLocalRoomById(roomId);
  if (!room) throw new Error(`no local room ${roomId}`);
  return room as unknown as DraftRoomControls;
}

/** The refusal's draft rule (`details.reason`). */
export const reasonOf = (error: RoomErrorMessage) => (error.details as { reason?: string } | undefined)?.reason;

export async function leaveAll(...seats: (DraftSeat | undefined)[]): Promise<void> {
  await Promise.all(seats.map((seat) => (seat?.room.connection?.isOpen ? seat.room.leave().catch(() => undefined) : undefined)));
}
