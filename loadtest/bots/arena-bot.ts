import { Protocol, type Room, type SeatReservation } from "@colyseus/sdk";
import { createClient, type GameConnection, type RoomConnectOptions } from "../../client-sdk/index.ts";
import { GameServerMessage, type GameJoinOptionsInput, type GameRoomOptionsInput, type GameState, type MatchFinishedMessage, type RoomErrorMessage } from "../../shared/index.ts";
import { decideArenaInput, type BotDecision } from "./arena-brain.ts";

export { decideArenaInput, type BotDecision, type BotStateView } from "./arena-brain.ts";

/**
 * The connection half of the arena bot: joins a `game` room through the
 * project SDK (`createClient` + `client.rooms.game`, so loadtest drives the
 * server the way a game client does, docs/architecture.md), says ready, and sends
 * `decideArenaInput` at `inputHz` (only when the decision changed, plus a
 * keep-alive).
 */
export interface ArenaBotOptions {
  url: string;
  token: string;
  /** Join this room (by id); otherwise joinOrCreate with `roomOptions`. */
  roomId?: string;
  /** Take this reserved seat (a team room's `matchFound`); wins over `roomId` and `roomOptions`. */
  reservation?: SeatReservation;
  roomOptions?: GameRoomOptionsInput;
  join?: GameJoinOptionsInput;
  /** Decisions per second. @default 15 */
  inputHz?: number;
  /** Count received bytes by frame kind (cheap; for wire-size measurements). */
  measureWire?: boolean;
  /** Options of the SDK room connection (backoff, maxAttempts, …). */
  connection?: RoomConnectOptions;
}

export interface WireStats {
  /** Full-state frames (join, reconnect). */
  stateFrames: number;
  stateBytes: number;
  patchFrames: number;
  patchBytes: number;
  otherFrames: number;
  otherBytes: number;
}

export interface ArenaBot {
  /** The SDK's typed game connection (recovers from drops by itself). */
  readonly connection: GameConnection;
  /** Its current @colyseus/sdk Room (replaced when the connection recovers). */
  readonly room: Room<any, GameState>;
  readonly errors: RoomErrorMessage[];
  readonly wire: WireStats;
  /** Resolves with the end-of-match message (or rejects if the bot leaves first). */
  readonly finished: Promise<MatchFinishedMessage>;
  /** Inputs sent so far. */
  readonly sent: number;
  stop(): Promise<void>;
}

export async function startArenaBot(options: ArenaBotOptions): Promise<ArenaBot> {
  const wire: WireStats = { stateFrames: 0, stateBytes: 0, patchFrames: 0, patchBytes: 0, otherFrames: 0, otherBytes: 0 };
  const connection = await joinGame(options, wire);
  const errors: RoomErrorMessage[] = [];
  connection.on("error", (error) => errors.push({ code: error.code as RoomErrorMessage["code"], message: error.message, type: error.type, details: error.details }));
  const finished = new Promise<MatchFinishedMessage>((resolve, reject) => {
    connection.onMessage(GameServerMessage.FINISHED, resolve);
    void connection.closed().then(() => reject(new Error(`left the room (${connection.error?.message ?? "closed"}) before the end of the match`)));
  });
  finished.catch(() => undefined); // a caller that does not wait for the end must not see an unhandled rejection

  const spectating = options.join?.spectate === true;
  if (!spectating) connection.send("ready", { ready: true });
  // Watchers send nothing.
  const inputs = spectating ? { sent: 0, stop: () => undefined } : playInputs(connection, options.inputHz ?? 15);
  void connection.closed().then(() => inputs.stop());

  return {
    connection,
    get room() {
      return connection.room!;
    },
    errors,
    wire,
    finished,
    get sent() {
      return inputs.sent;
    },
    async stop() {
      inputs.stop();
      await connection.leave();
    },
  };
}

/** Joins (or creates) the game the options name; with `measureWire`, counts its frames in `wire`. */
async function joinGame(options: ArenaBotOptions, wire: WireStats): Promise<GameConnection> {
  const game = createClient({ url: options.url, getToken: () => options.token }).rooms.game;
  if (!options.reservation && !options.roomId) {
    // Start without waiting, so the counter sees the first full state too (a join resolves after it).
    const connection = game.connect("joinOrCreate", { ...options.roomOptions, ...options.join }, options.connection);
    // onRoom: also for the room that replaces this one after a recovery.
    if (options.measureWire) connection.onRoom((room) => countFrames(room, wire));
    await connection.ready();
    return connection;
  }
  const connection = options.reservation
    ? await game.consumeSeatReservation(options.reservation, options.join, options.connection)
    : await game.joinById(options.roomId!, options.join ?? {}, options.connection);
  // Joined by id or reservation: frames are counted from after the first full state.
  if (options.measureWire) connection.onRoom((room) => countFrames(room, wire));
  return connection;
}

/** A bot input is re-sent unchanged at most this often (a changed decision goes at once). */
const SAME_INPUT_RESEND_MS = 500;

/** The bot brain's input `hz` times a second while the connection is open. */
function playInputs(connection: GameConnection, hz: number): { readonly sent: number; stop(): void } {
  let seq = 0;
  let sent = 0;
  let last: BotDecision | undefined;
  let lastSentAt = 0;
  const timer = setInterval(() => {
    const state = connection.state;
    const sessionId = connection.sessionId;
    if (!state?.players || !sessionId || connection.status !== "open") return;
    const decision = decideArenaInput(state, sessionId);
    const now = Date.now();
    if (last && sameDecision(last, decision) && now - lastSentAt < SAME_INPUT_RESEND_MS) return;
    // Continue above whatever the server acknowledged (e.g. after a reconnect).
    seq = Math.max(seq, state.players.get(sessionId)?.lastProcessedInputSeq ?? 0) + 1;
    connection.send("input", { seq, dir: decision.dir, kick: decision.kick });
    sent++;
    last = decision;
    lastSentAt = now;
  }, 1000 / hz);
  return {
    get sent() {
      return sent;
    },
    stop: () => clearInterval(timer),
  };
}

function sameDecision(a: BotDecision, b: BotDecision): boolean {
  return !a.kick && !b.kick && Math.abs(a.dir.x - b.dir.x) < 0.05 && Math.abs(a.dir.y - b.dir.y) < 0.05;
}

/** Wraps the SDK connection's message handler to count bytes per frame kind. */
function countFrames(room: Room<any, GameState>, wire: WireStats): void {
  const events = room.connection.events;
  const original = events.onmessage;
  events.onmessage = (event: MessageEvent) => {
    const bytes = new Uint8Array(event.data as ArrayBuffer);
    const kind = bytes[0]! & 0x1f;
    if (kind === Protocol.ROOM_STATE) [wire.stateFrames, wire.stateBytes] = [wire.stateFrames + 1, wire.stateBytes + bytes.byteLength];
    else if (kind === Protocol.ROOM_STATE_PATCH) [wire.patchFrames, wire.patchBytes] = [wire.patchFrames + 1, wire.patchBytes + bytes.byteLength];
    else [wire.otherFrames, wire.otherBytes] = [wire.otherFrames + 1, wire.otherBytes + bytes.byteLength];
    original?.(event);
  };
}
