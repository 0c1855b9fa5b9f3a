/**
 * Compile-time tests of the SDK's types: `npm test` runs `tsc` over this
 * file (it is in tsconfig's include; mocha never runs it). Each
 * `@ts-expect-error` line MUST fail to compile; if one starts compiling, tsc
 * reports the unused directive and the typecheck fails.
 */
import {
  createClient,
  defineRoom,
  transition,
  type ClientErrorCode,
  type ConnectionState,
  type RoomConnection,
  type SdkErrorCode,
  type StateChange,
} from "../../client-sdk/index.ts";
import type { ErrorCode, TokenResponse } from "../../shared/index.ts";
import type { ProbeState } from "../helpers/probe-room.ts";
import { probeContract } from "./probe-contract.ts";

export async function roomTypes(): Promise<void> {
  const client = createClient({ url: "http://localhost:2567", rooms: { probe: probeContract } });

  // Room names: only registered rooms exist.
  const connection = await client.rooms.probe.joinOrCreate();
  // @ts-expect-error: no such room
  await client.rooms.nope.joinOrCreate();

  // Message names and payloads come from the shared zod map (ProbeMessages).
  connection.send("say", { text: "hello" });
  connection.send("forbidden", {});
  // @ts-expect-error: wrong message name
  connection.send("shout", { text: "hello" });
  // @ts-expect-error: wrong payload field
  connection.send("say", { txt: "hello" });
  // @ts-expect-error: wrong payload type
  connection.send("say", { text: 42 });
  // @ts-expect-error: missing payload
  connection.send("say");
  // @ts-expect-error: extra field on a strict schema
  connection.send("forbidden", { extra: true });

  // Server → client messages are typed by the contract.
  connection.onMessage("probe.note", (note) => {
    const text: string = note.text;
    // @ts-expect-error: the payload has no `count`
    void note.count;
    void text;
  });
  // @ts-expect-error: the room sends no such message
  connection.onMessage("probe.nope", () => undefined);

  // The state is the shared schema class.
  const state: ProbeState | undefined = connection.state;
  const said: string | undefined = connection.state?.said;
  // @ts-expect-error: no such state field
  void connection.state?.score;
  void state;
  void said;

  // Connection states and reasons are closed unions.
  connection.on("state", (change: StateChange) => {
    const to: ConnectionState = change.to;
    // @ts-expect-error: not a connection state
    const bad: ConnectionState = "half-open";
    void to;
    void bad;
  });
  // @ts-expect-error: not a connection state
  transition("idle", "online");
  // @ts-expect-error: no such event
  connection.on("message", () => undefined);

  // A contract of another room keeps its own map: the probe's messages do not leak in.
  const other = defineRoom<{ scored: { side: "home" | "away" } }>()({ name: "other", messages: {} });
  const otherConnection: RoomConnection<typeof other> = await client.roomHandle(other).joinOrCreate();
  otherConnection.onMessage("scored", (event) => {
    // @ts-expect-error: "left" is not a side
    const side: typeof event.side = "left";
    void side;
  });
  // @ts-expect-error: this room has no "say"
  otherConnection.send("say", { text: "x" });
}

export async function httpTypes(): Promise<void> {
  const client = createClient({ url: "http://localhost:2567" });

  const session: TokenResponse = await client.http.call("POST /v1/auth/guest", { body: { name: "Ada" } });
  void session.player.playerId;
  // @ts-expect-error: wrong DTO field in the request body
  await client.http.call("POST /v1/auth/guest", { body: { nam: "Ada" } });
  // @ts-expect-error: the body is required
  await client.http.call("POST /v1/auth/guest");
  // @ts-expect-error: no such route
  await client.http.call("GET /v1/nope");
  // @ts-expect-error: wrong method for the path
  await client.http.call("GET /v1/auth/guest");
  // @ts-expect-error: this route takes no body
  await client.http.call("POST /v1/auth/refresh", { body: { name: "x" } });

  const health = await client.http.call("GET /healthz");
  const uptime: number = health.uptimeSeconds;
  // @ts-expect-error: wrong DTO field in the response
  void health.uptime;
  void uptime;

  // @ts-expect-error: a name is a string
  await client.auth.signInAsGuest(42);
  const expiresAt: number | undefined = client.auth.expiresAt;
  void expiresAt;
}

export function errorCodeTypes(): void {
  const server: SdkErrorCode = "TOKEN_EXPIRED" satisfies ErrorCode;
  const local: SdkErrorCode = "NETWORK_ERROR" satisfies ClientErrorCode;
  // @ts-expect-error: not a code in either table
  const bad: SdkErrorCode = "OOPS";
  void server;
  void local;
  void bad;
}
