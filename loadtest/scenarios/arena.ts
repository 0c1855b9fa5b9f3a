import { createClient, type GameConnection } from "../../client-sdk/index.ts";
import { decideArenaInput } from "../bots/arena-brain.ts";
import { pool } from "../gen-cpu.ts";
import { sleepUntil, type ArenaClientTask, type ArenaRoomPlan, type PartContext, type PartRunner, type PartSink } from "../client-host.ts";
import { countingWebSocket } from "../wire.ts";

/** Rooms filled at once when there is no ramp (each room: its creator first, then the rest together). */
const ROOMS_AT_ONCE = 8;
/** An observer remembers the send times of at most this many unacknowledged inputs. */
const MAX_INPUTS_IN_FLIGHT = 1000;
/** A non-observer kicks every this many inputs. */
const WANDER_KICK_EVERY = 20;

/** Players per room and team size for `clients` bots in `rooms` rooms (at least 2 per room, teams of at most 5). */
export function arenaRoomShape(clients: number, rooms: number): { perRoom: number; teamSize: number } {
  const perRoom = Math.max(2, Math.ceil(clients / rooms));
  return { perRoom, teamSize: Math.min(5, Math.ceil(perRoom / 2)) };
}

/** The rooms of a run: room r holds bots [r × perRoom, …), the last one may be short. */
export function arenaRoomPlans(clients: number, rooms: number): ArenaRoomPlan[] {
  const { perRoom } = arenaRoomShape(clients, rooms);
  const plans: ArenaRoomPlan[] = [];
  for (let room = 0; room < rooms; room++) {
    const firstBot = room * perRoom;
    if (firstBot >= clients) break;
    plans.push({ room, firstBot, size: Math.min(perRoom, clients - firstBot) });
  }
  return plans;
}

/**
 * `arena`, client side: SDK bots (client-sdk only: `createClient`,
 * `client.rooms.game.create/joinById`, `connection.send("input")`) playing
 * arena soccer in this thread's rooms. Each bot sends an input at `rate` Hz.
 *
 * Observers (bot index % observeEvery === 0) decode every patch, play with
 * the bot brain and measure input→state: from the send to the first state
 * whose `lastProcessedInputSeq` covers it. The others are the same SDK bots
 * on a WebSocket that drops patches before the SDK decodes them
 * (wire.ts `decodePatches: false`): they join, receive (and count) every
 * byte, and send a wandering input at the same rate.
 */
export function startArenaClients(task: ArenaClientTask, sink: PartSink, context: PartContext): PartRunner {
  const bots = new ArenaBots(task, sink, context);
  // With a ramp every bot waits for its own slot, so all rooms fill at once; without one, a few rooms at a time.
  const ramped = context.startTime(task.totalClients, task.totalClients) > context.startTime(0, task.totalClients);
  void pool(task.rooms, ramped ? task.rooms.length : ROOMS_AT_ONCE, (plan) => bots.fillRoom(plan)).then(() => {
    sink.ready = true;
  });
  return bots;
}

class ArenaBots implements PartRunner {
  readonly #task: ArenaClientTask;
  readonly #sink: PartSink;
  readonly #context: PartContext;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #connections: GameConnection[] = [];

  constructor(task: ArenaClientTask, sink: PartSink, context: PartContext) {
    this.#task = task;
    this.#sink = sink;
    this.#context = context;
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    await Promise.allSettled(this.#connections.map((game) => game.leave()));
  }

  /** The room's first bot creates it, then the others join it by id. */
  async fillRoom(plan: ArenaRoomPlan): Promise<void> {
    const roomId = await this.#startBot(plan.firstBot, undefined);
    const rest: Promise<unknown>[] = [];
    for (let i = plan.firstBot + 1; i < plan.firstBot + plan.size; i++) {
      // Without the creator's room there is nothing to join: count the seats as errors.
      rest.push(roomId ? this.#startBot(i, roomId) : Promise.resolve(this.#context.stopping || this.#sink.fail("no-room")));
    }
    await Promise.all(rest);
  }

  /** Bot `index` at its start time: signs in, creates (no `roomId`) or joins the room, then plays. Resolves with the room id. */
  async #startBot(index: number, roomId: string | undefined): Promise<string | undefined> {
    const task = this.#task;
    const sink = this.#sink;
    const context = this.#context;
    await sleepUntil(context.startTime(index, task.totalClients));
    if (context.stopping) return undefined;
    const observer = index % task.observeEvery === 0;
    try {
      const client = createClient({ url: task.url, WebSocket: countingWebSocket(sink, { decodePatches: observer }), onListenerError: (error) => sink.fail("listener", error) });
      await client.auth.signInAsGuest(`bot-${index}`);
      // Payloads are built here and known valid: skip the SDK's zod check (generator CPU), the wire is the same.
      const control = { validate: false };
      const roomOptions = { teamSize: task.teamSize, matchSeconds: task.matchSeconds, countdownSeconds: 0.5 };
      const game = await (roomId ? client.rooms.game.joinById(roomId, {}, control) : client.rooms.game.create(roomOptions, control));
      this.#connections.push(game);
      if (context.stopping) {
        void game.leave();
        return undefined;
      }
      this.#countConnection(game);
      this.#play(game, index, observer);
      return game.roomId;
    } catch (error) {
      if (!context.stopping) sink.fail(roomId ? "join" : "create", error);
      return undefined;
    }
  }

  /** Open connections, and drops (a reconnect, an error close) as disconnects. */
  #countConnection(game: GameConnection): void {
    const sink = this.#sink;
    if (game.status === "open") sink.connected++;
    game.on("error", (error) => sink.fail("room", error));
    game.on("state", ({ from, to, error }) => {
      if (to === "open") sink.connected++;
      if (from === "open") sink.connected--;
      // Leaving at the end is not a disconnect; a drop or an error close is.
      if (!this.#context.stopping && (to === "reconnecting" || (to === "closed" && error))) sink.disconnects++;
    });
  }

  /** One input every 1/rate s until the connection closes: the bot brain's (observer) or a wander. */
  #play(game: GameConnection, index: number, observer: boolean): void {
    const sentAt = observer ? this.#measureInputToState(game) : undefined;
    let seq = 0;
    let heading = (index * 2.399) % (2 * Math.PI);
    const timer = setInterval(() => {
      if (game.status !== "open") return;
      let dir: { x: number; y: number };
      let kick: boolean;
      if (sentAt) {
        const state = game.state;
        if (!state) return;
        ({ dir, kick } = decideArenaInput(state, game.sessionId!));
        sentAt.set(seq + 1, performance.now());
        if (sentAt.size > MAX_INPUTS_IN_FLIGHT) sentAt.delete(sentAt.keys().next().value!);
      } else {
        // A comparable input without decoding the state: a slow wander, a kick now and then.
        heading += 0.15;
        dir = { x: Math.cos(heading), y: Math.sin(heading) };
        kick = seq % WANDER_KICK_EVERY === 0;
      }
      seq++;
      game.send("input", { seq, dir, kick });
      this.#sink.sent++;
    }, 1000 / this.#task.rate);
    this.#timers.add(timer);
    void game.closed().then(() => {
      clearInterval(timer);
      this.#timers.delete(timer);
    });
  }

  /** Input→state latency: each state's `lastProcessedInputSeq` acknowledges the inputs up to it. Returns the send times to fill. */
  #measureInputToState(game: GameConnection): Map<number, number> {
    const sentAt = new Map<number, number>();
    let acked = 0;
    game.onStateChange((state) => {
      const me = state.players.get(game.sessionId!);
      if (!me || me.lastProcessedInputSeq <= acked) return;
      const now = performance.now();
      for (let s = acked + 1; s <= me.lastProcessedInputSeq; s++) {
        const at = sentAt.get(s);
        if (at !== undefined) {
          this.#sink.latency.add(now - at);
          sentAt.delete(s);
        }
      }
      acked = me.lastProcessedInputSeq;
    });
    return sentAt;
  }
}
