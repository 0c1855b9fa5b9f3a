import { createClient } from "../../client-sdk/index.ts";
import { decideArenaInput } from "../bots/arena-brain.ts";
import { LatencySamples } from "../latency.ts";

export interface ArenaScenarioOptions {
  url: string;
  clients: number;
  rooms: number;
  /** Inputs per second per client. */
  rate: number;
  durationSeconds: number;
  onProgress?: (line: string) => void;
}

export interface ArenaScenarioReport {
  scenario: "arena";
  clients: number;
  rooms: number;
  rateHz: number;
  durationSeconds: number;
  joined: number;
  inputsSent: number;
  stateUpdates: number;
  /** Input → the state that acknowledges it (the room echoes each player's last processed input seq). */
  inputToStateMs: ReturnType<LatencySamples["summary"]>;
  errors: number;
  disconnects: number;
}

/**
 * `arena`: SDK bots (client-sdk only) playing arena soccer in R rooms. Each
 * bot sends intents at `rate` Hz; input → state latency is measured from
 * the send to the first state whose `lastProcessedInputSeq` covers it.
 */
export async function runArena(options: ArenaScenarioOptions): Promise<ArenaScenarioReport> {
  const perRoom = Math.max(2, Math.ceil(options.clients / options.rooms));
  const teamSize = Math.min(5, Math.ceil(perRoom / 2));
  const latency = new LatencySamples();
  let inputsSent = 0;
  let stateUpdates = 0;
  let errors = 0;
  let disconnects = 0;
  const stops: (() => Promise<void>)[] = [];
  const timers: NodeJS.Timeout[] = [];

  const startBot = async (index: number, roomId: string | undefined) => {
    const client = createClient({ url: options.url });
    await client.auth.signInAsGuest(`bot-${index}`);
    const roomOptions = { teamSize, matchSeconds: Math.max(30, options.durationSeconds * 2), countdownSeconds: 0.5 };
    const game = roomId ? await client.rooms.game.joinById(roomId) : await client.rooms.game.create(roomOptions);
    const sentAt = new Map<number, number>();
    let seq = 0;
    let acked = 0;
    game.on("error", () => errors++);
    game.on("state", ({ to, error }) => {
      // Leaving at the end is not a disconnect; a drop or an error close is.
      if (to === "reconnecting" || (to === "closed" && error)) disconnects++;
    });
    game.onStateChange((state) => {
      stateUpdates++;
      const me = state.players.get(game.sessionId!);
      if (!me || me.lastProcessedInputSeq <= acked) return;
      const now = performance.now();
      for (let s = acked + 1; s <= me.lastProcessedInputSeq; s++) {
        const at = sentAt.get(s);
        if (at !== undefined) {
          latency.add(now - at);
          sentAt.delete(s);
        }
      }
      acked = me.lastProcessedInputSeq;
    });
    timers.push(
      setInterval(() => {
        const state = game.state;
        if (!state || game.status !== "open") return;
        const decision = decideArenaInput(state as never, game.sessionId!);
        seq++;
        sentAt.set(seq, performance.now());
        if (sentAt.size > 1000) sentAt.delete(sentAt.keys().next().value!);
        game.send("input", { seq, dir: decision.dir, kick: decision.kick });
        inputsSent++;
      }, 1000 / options.rate),
    );
    stops.push(() => game.leave());
    return game.roomId!;
  };

  let joined = 0;
  for (let room = 0; room < options.rooms; room++) {
    const first = room * perRoom;
    if (first >= options.clients) break;
    const roomId = await startBot(first, undefined);
    joined++;
    const rest = [];
    for (let i = first + 1; i < Math.min(first + perRoom, options.clients); i++) rest.push(startBot(i, roomId).then(() => joined++));
    await Promise.all(rest);
  }

  const started = Date.now();
  await new Promise<void>((resolve) => {
    const progress = setInterval(() => {
      const s = latency.summary();
      options.onProgress?.(
        `t=${Math.round((Date.now() - started) / 1000)}s joined=${joined} inputs=${inputsSent} p50=${s.p50?.toFixed(1)}ms p99=${s.p99?.toFixed(1)}ms errors=${errors} disconnects=${disconnects}`,
      );
    }, 1000);
    setTimeout(() => {
      clearInterval(progress);
      resolve();
    }, options.durationSeconds * 1000);
  });
  for (const timer of timers) clearInterval(timer);
  await Promise.allSettled(stops.map((stop) => stop()));
  return {
    scenario: "arena",
    clients: options.clients,
    rooms: options.rooms,
    rateHz: options.rate,
    durationSeconds: options.durationSeconds,
    joined,
    inputsSent,
    stateUpdates,
    inputToStateMs: latency.summary(),
    errors,
    disconnects,
  };
}
