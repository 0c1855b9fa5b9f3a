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
  type LeaderboardOp,
  type ConnectionState,
  type RoomConnection,
  type SdkErrorCode,
  type StateChange,
} from "../../client-sdk/index.ts";
import type { ErrorCode, TokenResponse } from "../../shared/index.ts";
import type { ProbeState } from "../helpers/probe-room.ts";
import { probeContract } from "../helpers/probe-contract.ts";

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

  // The route table and its schemas are shared/api/: params, queries, bodies and answers are typed from them.
  const board = await client.http.call("GET /v1/leaderboards/:id", { params: { id: "goals" }, query: { limit: 5, period: "current" } });
  const rank: number | undefined = board.records[0]?.rank;
  // @ts-expect-error: the page has `records`, not `rows` (those are a stream snapshot's)
  void board.rows;
  // @ts-expect-error: the path parameter is `id`
  await client.http.call("GET /v1/leaderboards/:id", { params: { board: "goals" } });
  // @ts-expect-error: both path parameters are required
  await client.http.call("GET /v1/leaderboards/:id/players/:playerId", { params: { id: "goals" } });
  // @ts-expect-error: `limit` is a number
  await client.http.call("GET /v1/leaderboards/:id", { params: { id: "goals" }, query: { limit: "ten" } });
  // @ts-expect-error: this route takes no query
  await client.http.call("GET /v1/leagues", { query: { page: 2 } });
  // @ts-expect-error: `teamCount` is a number (the league body's schema)
  await client.http.call("POST /v1/leagues", { body: { name: "Sunday", teamCount: "8" } });
  await client.http.call("POST /v1/leagues", { body: { name: "Sunday", teamCount: 8 } });
  // @ts-expect-error: the admin API is not a client route (its key never belongs in a client)
  await client.http.call("POST /v1/admin/leaderboards", { body: { id: "x" } });
  // @ts-expect-error: a stream is not a JSON call (leaderboards.subscribe and matches.spectate read them)
  await client.http.call("GET /v1/leaderboards/:id/stream", { params: { id: "goals" } });
  void rank;

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

export async function teamDraftLeagueTypes(): Promise<void> {
  const client = createClient({ url: "http://localhost:2567" });

  // Team: create options and messages come from shared/team.
  const team = await client.rooms.team.create({ name: "Reds", size: 2, private: true });
  // @ts-expect-error: not a create option
  await client.rooms.team.create({ colour: "red" });
  // @ts-expect-error: a size is a number
  await client.rooms.team.create({ size: "2" });
  const code: string | undefined = team.state?.code;
  // @ts-expect-error: no such team state field
  void team.state?.score;
  void code;
  team.send("ready", { ready: true });
  team.send("queue", { mode: "2v2" });
  // @ts-expect-error: wrong team message name
  team.send("start", {});
  // @ts-expect-error: not a match mode
  team.send("queue", { mode: "11v11" });
  // @ts-expect-error: wrong payload field
  team.send("ready", { isReady: true });
  // @ts-expect-error: a code is a string
  await client.rooms.team.joinByCode(12345);
  client.rooms.team.onMatchFound(({ match, game }) => {
    const side: "home" | "away" = match.side;
    // @ts-expect-error: the game connection speaks the game's messages, not the team's
    game?.send("queue", { mode: "2v2" });
    game?.send("input", { seq: 1, dir: { x: 0, y: 0 } });
    // @ts-expect-error: no such field on matchFound
    void match.gameId;
    void side;
  });
  team.onMessage("matchFound", (match) => void match.reservation.roomId);
  // @ts-expect-error: the team room sends no such message
  team.onMessage("match.finished", () => undefined);

  // Draft: typed state, messages and events from shared/draft.
  const draft = await client.rooms.draft.join("lg_0123456789abcdef");
  const status: "waiting" | "running" | "paused" | "complete" | undefined = draft.state?.status;
  void status;
  draft.send("queue.set", { playerIds: ["p1"] });
  // @ts-expect-error: wrong draft message name
  draft.send("queue.add", { playerId: "p1" });
  // @ts-expect-error: wrong payload field
  draft.send("autopick.set", { on: true });
  // @ts-expect-error: a pick needs a pickId (use draft.pick() to get one generated)
  draft.send("pick", { playerId: "p1" });
  const result = await draft.pick("p1");
  const replayed: boolean = result.replayed;
  void replayed;
  // @ts-expect-error: a player id is a string
  await draft.pick(42);
  // @ts-expect-error: no such pick option
  await draft.pick("p1", { idempotencyKey: "x" });
  draft.onMessage("draft.picked", (pick) => {
    const by: "manager" | "commissioner" | "autopick" | "keeper" = pick.by;
    // @ts-expect-error: no such field on a pick
    void pick.player;
    void by;
  });
  // @ts-expect-error: the draft room sends no such message
  draft.onMessage("draft.begun", () => undefined);
  // @ts-expect-error: a queue is a list of player ids
  draft.setQueue("p1");
  // Auction drafts.
  draft.nominate("p1", 3);
  draft.bid(5, { bidId: "b1" });
  draft.send("auction.bid", { amount: 5, lot: 1 });
  // @ts-expect-error: an amount is a number
  draft.bid("5");
  // @ts-expect-error: a bid has an amount, not a price
  draft.send("auction.bid", { price: 5 });
  draft.onMessage("draft.auction.won", (won) => {
    const price: number = won.price;
    // @ts-expect-error: no such field on a won lot
    void won.amount;
    void price;
  });

  // Leagues: DTOs from shared/fantasy-leagues.
  const league = await client.leagues.create({ name: "Friday league", teamCount: 4, draftType: "snake" });
  const inviteCode: string = league.inviteCode;
  // @ts-expect-error: wrong DTO field in the response
  void league.invite;
  // @ts-expect-error: wrong DTO field in the request
  await client.leagues.create({ name: "x", rounds: 3 });
  // @ts-expect-error: not a draft type
  await client.leagues.create({ name: "x", draftType: "raffle" });
  await client.leagues.create({ name: "x", draftType: "auction", budget: 100, nominationSeconds: 20, bidSeconds: 8 });
  // @ts-expect-error: a budget is a number
  await client.leagues.create({ name: "x", draftType: "auction", budget: "100" });
  const joined = await client.leagues.join(inviteCode, "Rovers FC");
  const created: boolean = joined.created;
  // @ts-expect-error: the join answer has no `teams` (it is `league.teams`)
  void joined.teams;
  // @ts-expect-error: teamName is required
  await client.leagues.join(inviteCode);
  const leagues = await client.leagues.list();
  void leagues[0]?.standingsBoardId;
  // @ts-expect-error: the league's teams are LeagueTeam DTOs
  void (await client.leagues.get(league.id)).teams[0]?.manager;
  // @ts-expect-error: the join route's body needs an inviteCode
  await client.http.call("POST /v1/leagues/join", { body: { teamName: "x" } });
  void created;
}

export async function liveTypes(): Promise<void> {
  const client = createClient({ url: "http://localhost:2567" });

  // Leaderboard subscriptions: the handler gets the shared stream messages and table.
  const sub = client.leaderboards.subscribe("rating", { top: 10 }, (message, table) => {
    const rows: number = table.rows.length;
    if (message.event === "delta") {
      const ops: LeaderboardOp[] = message.data.ops;
      if (ops[0]?.[0] === "move") {
        const to: number = ops[0][2];
        void to;
      }
      // @ts-expect-error: a delta has ops, not rows
      void message.data.rows;
      // @ts-expect-error: the id carries a delta's epoch
      void message.data.epoch;
    } else {
      const top: number = message.data.top;
      void top;
    }
    // @ts-expect-error: not a stream event name
    if (message.event === "update") void message;
    void rows;
  });
  // @ts-expect-error: wrong handler type (a spectate frame is not a board event)
  client.leaderboards.subscribe("rating", {}, (frame: { seq: number; state: Record<string, unknown> }) => void frame);
  // @ts-expect-error: `top` is a number
  client.leaderboards.subscribe("rating", { top: "10" }, () => undefined);
  // @ts-expect-error: no such subscription option
  client.leaderboards.subscribe("rating", { limit: 10 }, () => undefined);
  const state: ConnectionState = sub.state;
  const transport: "sse" | "long-poll" = sub.transport;
  sub.on("transport", (change) => {
    // @ts-expect-error: not a transport
    const bad: typeof change.to = "websocket";
    void bad;
  });
  // @ts-expect-error: no such subscription event
  sub.on("message", () => undefined);
  void state;
  void transport;

  // Match results: DTOs from shared/match-result.ts and shared/match-polling.ts.
  const result = await client.matches.waitForResult("m_abcdef", { signal: new AbortController().signal });
  const seq: number = result.seq;
  const home: number = result.teams.home.score;
  // @ts-expect-error: wrong DTO field (a result has `winner`, not `winningSide`)
  void result.winningSide;
  // @ts-expect-error: no such option
  await client.matches.waitForResult("m_abcdef", { timeout: 5 });
  for await (const item of client.matches.feed({ after: "e:1" })) {
    const id: string = item.matchId;
    // @ts-expect-error: wrong DTO field
    void item.match_id;
    void id;
  }
  const page = await client.matches.history("p_1", { limit: 5 });
  const next: string | null = page.nextCursor;
  // @ts-expect-error: history takes `limit`, not `count`
  await client.matches.history("p_1", { count: 5 });
  const poll = await client.http.call("GET /v1/matches/:id/result", { params: { id: "m_abcdef" }, query: { wait: 1 } });
  if (poll.final) void poll.result.matchId;
  // @ts-expect-error: a pending answer carries no result
  else void poll.result;
  // @ts-expect-error: the path parameter is required
  await client.http.call("GET /v1/matches/:id/result", { query: { wait: 1 } });
  const changes = await client.http.call("GET /v1/leaderboards/:id/changes", { params: { id: "rating" }, query: { after: "e:1", wait: 1 } });
  // @ts-expect-error: wrong DTO field (events, not messages)
  void changes.messages;
  void seq;
  void home;
  void next;
}

/** The game room's listing metadata (rooms/game-room.ts) is exactly the contract's (shared/lobby.ts), both ways. */
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const gameListingIsTheContract: Exactly<import("../../rooms/game-room.ts").GameListingMetadata, import("../../shared/lobby.ts").GameListingMetadata> = true;

export async function projectRoomTypes(): Promise<void> {
  const client = createClient({ url: "http://localhost:2567" });
  // The project contracts carry the shared message types even without the zod schemas at runtime.
  const game = await client.rooms.game.joinOrCreate({ teamSize: 1 });
  game.send("input", { seq: 1, dir: { x: 1, y: 0 } });
  // @ts-expect-error: `dir` needs both axes
  game.send("input", { seq: 1, dir: { x: 1 } });
  // @ts-expect-error: no such message in the game room
  game.send("shout", {});
  const seat: "none" | "held" | "reserved" | "lost" = game.seat;
  const lobby = await client.lobby({ rooms: ["game"], games: (listing) => listing.metadata.phase === "waiting" });
  for (const listing of lobby.games.values()) void listing.metadata.score.home;
  // @ts-expect-error: teams have no score
  lobby.on("add", ({ listing }) => listing.name === "team" && listing.metadata.score);
  void seat;
}
