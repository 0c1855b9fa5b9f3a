import { createClient, type GameConnection } from "../../client-sdk/index.ts";
import { decideArenaInput } from "../bots/arena-brain.ts";
import { pool } from "../gen-cpu.ts";
import { sleepUntil, type ArenaClientTask, type ArenaRoomPlan, type PartContext, type PartRunner, type PartSink } from "../client-host.ts";
import { countingWebSocket } from "../wire.ts";

/** Rooms filled at once when there is no ramp (each room: its creator first, then the rest together). */
const ROOMS_AT_ONCE = 8;

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
  const timers = new Set<NodeJS.Timeout>();
  const connections: GameConnection[] = [];
  const roomOptions = { teamSize: task.teamSize, matchSeconds: task.matchSeconds, countdownSeconds: 0.5 };

  const startBot = async (index: number, roomId: string | undefined): Promise<string | undefined> => {
    await sleepUntil(context.startTime(index, task.totalClients));
    if (context.stopping) return undefined;
    const observer = index % task.observeEvery === 0;
    try {
      const client = createClient({ url: task.url, WebSocket: countingWebSocket(sink, { decodePatches: observer }), onListenerError: (error) => sink.fail("listener", error) });
      await client.auth.signInAsGuest(`bot-${index}`);
      // Payloads are built here and known valid: skip the SDK's zod check (generator CPU), the wire is the same.
      const control = { validate: false };
      const pending = roomId ? client.rooms.game.joinById(roomId, {}, control) : client.rooms.game.create(roomOptions, control);
      const game = await pending;
      connections.push(game);
      if (context.stopping) {
        void game.leave();
        return undefined;
      }
      if (game.status === "open") sink.connected++;
      game.on("error", (error) => sink.fail("room", error));
      game.on("state", ({ from, to, error }) => {
        if (to === "open") sink.connected++;
        if (from === "open") sink.connected--;
        // Leaving at the end is not a disconnect; a drop or an error close is.
        if (!context.stopping && (to === "reconnecting" || (to === "closed" && error))) sink.disconnects++;
      });

      let seq = 0;
      let acked = 0;
      const sentAt = new Map<number, number>();
      if (observer) {
        game.onStateChange((state) => {
          const me = state.players.get(game.sessionId!);
          if (!me || me.lastProcessedInputSeq <= acked) return;
          const now = performance.now();
          for (let s = acked + 1; s <= me.lastProcessedInputSeq; s++) {
            const at = sentAt.get(s);
            if (at !== undefined) {
              sink.latency.add(now - at);
              sentAt.delete(s);
            }
          }
          acked = me.lastProcessedInputSeq;
        });
      }
      let heading = (index * 2.399) % (2 * Math.PI);
      const timer = setInterval(() => {
        if (game.status !== "open") return;
        let dir: { x: number; y: number };
        let kick: boolean;
        if (observer) {
          const state = game.state;
          if (!state) return;
          ({ dir, kick } = decideArenaInput(state, game.sessionId!));
          sentAt.set(seq + 1, performance.now());
          if (sentAt.size > 1000) sentAt.delete(sentAt.keys().next().value!);
        } else {
          // A comparable input without decoding the state: a slow wander, a kick now and then.
          heading += 0.15;
          dir = { x: Math.cos(heading), y: Math.sin(heading) };
          kick = seq % 20 === 0;
        }
        seq++;
        game.send("input", { seq, dir, kick });
        sink.sent++;
      }, 1000 / task.rate);
      timers.add(timer);
      void game.closed().then(() => {
        clearInterval(timer);
        timers.delete(timer);
      });
      return game.roomId;
    } catch (error) {
      if (!context.stopping) sink.fail(roomId ? "join" : "create", error);
      return undefined;
    }
  };

  const fillRoom = async (plan: ArenaRoomPlan) => {
    const roomId = await startBot(plan.firstBot, undefined);
    const rest: Promise<unknown>[] = [];
    for (let i = plan.firstBot + 1; i < plan.firstBot + plan.size; i++) {
      // Without the creator's room there is nothing to join: count the seats as errors.
      rest.push(roomId ? startBot(i, roomId) : Promise.resolve(context.stopping || sink.fail("no-room")));
    }
    await Promise.all(rest);
  };

  // With a ramp every bot waits for its own slot, so all rooms fill at once; without one, a few rooms at a time.
  const ramped = context.startTime(task.totalClients, task.totalClients) > context.startTime(0, task.totalClients);
  void pool(task.rooms, ramped ? task.rooms.length : ROOMS_AT_ONCE, fillRoom).then(() => {
    sink.ready = true;
  });

  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled(connections.map((game) => game.leave()));
    },
  };
}
