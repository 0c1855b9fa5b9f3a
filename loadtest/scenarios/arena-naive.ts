import type { Socket } from "node:net";
import WebSocket from "ws";
import { decideArenaInput, type BotStateView } from "../bots/arena-brain.ts";
import { LatencySamples } from "../latency.ts";

export interface NaiveArenaOptions {
  /** The naive ws server (loadtest/baseline/naive-ws-server.ts): ws:// or http://host:port. */
  url: string;
  clients: number;
  rooms: number;
  /** Inputs per second per client. */
  rate: number;
  /** The measured window, after every client has connected. */
  durationSeconds: number;
  /** Spread the connects over this many seconds (default: as fast as 64 concurrent connects allow). */
  rampSeconds?: number;
  /** Only every K-th client (index % K === 0) parses the state, plays with the bot brain and measures latency; the others count frames and bytes and send a wandering input. @default 1 */
  observeEvery?: number;
  onProgress?: (line: string) => void;
}

export interface NaiveArenaResult {
  /** Clients that got a seat (the server's welcome). */
  joined: number;
  inputsSent: number;
  /** State frames received, all clients. */
  stateUpdates: number;
  /** Input → the first state whose lastProcessedInputSeq covers it (observing clients only). */
  latency: LatencySamples;
  /** Wire bytes (TCP payload read: ws frames with their headers) received by all clients during the measured window. */
  bytesReceived: number;
  /** Length of the measured window bytesReceived covers (≈ durationSeconds). */
  measuredSeconds: number;
  errors: number;
  /** Connections closed by the server or dropped before the end. */
  disconnects: number;
}

interface JsonState {
  phase: string;
  field: BotStateView["field"];
  ball: BotStateView["ball"];
  players: Record<string, { side: string; slot: number; x: number; y: number; lastProcessedInputSeq: number }>;
}

const CONNECT_CONCURRENCY = 64;

/**
 * The `arena` load against the naive ws baseline: raw `ws` clients (not the
 * SDK), the same load shape as scenarios/arena.ts — ceil(clients/rooms)
 * clients per room (at least 2), teams of min(5, perRoom/2), one input
 * `{seq, dir, kick}` per client every 1/rate s, latency from the send to the
 * first state whose `lastProcessedInputSeq` covers the seq.
 */
export async function runArenaNaive(options: NaiveArenaOptions): Promise<NaiveArenaResult> {
  const base = options.url.replace(/^http/, "ws").replace(/\/$/, "");
  const perRoom = Math.max(2, Math.ceil(options.clients / options.rooms));
  const teamSize = Math.min(5, Math.ceil(perRoom / 2));
  const matchSeconds = Math.max(30, options.durationSeconds * 2 + (options.rampSeconds ?? 0));
  const observeEvery = Math.max(1, Math.floor(options.observeEvery ?? 1));
  const latency = new LatencySamples();
  let joined = 0;
  let inputsSent = 0;
  let stateUpdates = 0;
  let errors = 0;
  let disconnects = 0;
  let stopping = false;
  const sockets: Socket[] = [];
  const clients: { ws: WebSocket; timer?: NodeJS.Timeout }[] = [];

  const startClient = (index: number): Promise<void> =>
    new Promise((resolve) => {
      const room = Math.floor(index / perRoom);
      const query = new URLSearchParams({ room: `r${room}`, name: `bot-${index}`, teamSize: String(teamSize), matchSeconds: String(matchSeconds), countdownSeconds: "0.5" });
      const ws = new WebSocket(`${base}/?${query}`, { perMessageDeflate: false });
      const client: { ws: WebSocket; timer?: NodeJS.Timeout } = { ws };
      clients.push(client);
      const observer = index % observeEvery === 0;
      let sessionId: string | undefined;
      let state: JsonState | undefined;
      const sentAt = new Map<number, number>();
      let seq = 0;
      let acked = 0;
      let heading = (index * 2.399) % (2 * Math.PI); // non-observers wander

      ws.on("upgrade", (response) => sockets.push(response.socket));
      ws.on("error", () => {
        errors++;
        resolve();
      });
      ws.on("close", (code) => {
        clearInterval(client.timer);
        if (code === 4409) errors++; // seat refused (the game room refuses it with CONFLICT too)
        else if (!stopping) disconnects++;
        resolve();
      });
      ws.on("message", (data: Buffer) => {
        if (!sessionId) {
          // The first frame is the welcome (or a refusal, followed by a close).
          try {
            const message = JSON.parse(String(data)) as { type?: string; sessionId?: string };
            if (message.type !== "welcome" || !message.sessionId) return;
            sessionId = message.sessionId;
          } catch {
            errors++;
            return;
          }
          joined++;
          client.timer = setInterval(sendInput, 1000 / options.rate);
          resolve();
          return;
        }
        stateUpdates++;
        if (!observer) return; // only count (bytes come from the socket)
        try {
          state = JSON.parse(String(data)) as JsonState;
        } catch {
          errors++;
          return;
        }
        const me = state.players[sessionId];
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

      const sendInput = () => {
        if (ws.readyState !== WebSocket.OPEN || !sessionId) return;
        let dir: { x: number; y: number };
        let kick: boolean;
        if (observer) {
          if (!state) return;
          const view: BotStateView = { ...state, players: new Map(Object.entries(state.players)) };
          ({ dir, kick } = decideArenaInput(view, sessionId));
        } else {
          // A comparable input without decoding the state: a slow wander, a kick now and then.
          heading += 0.15;
          dir = { x: Math.cos(heading), y: Math.sin(heading) };
          kick = seq % 20 === 0;
        }
        seq++;
        if (observer) {
          sentAt.set(seq, performance.now());
          if (sentAt.size > 1000) sentAt.delete(sentAt.keys().next().value!);
        }
        ws.send(JSON.stringify({ seq, dir, kick }));
        inputsSent++;
      };
    });

  const rampStarted = Date.now();
  const progress = setInterval(() => {
    const s = latency.summary();
    const wire = sockets.reduce((sum, socket) => sum + socket.bytesRead, 0);
    options.onProgress?.(
      `t=${Math.round((Date.now() - rampStarted) / 1000)}s joined=${joined}/${options.clients} inputs=${inputsSent} states=${stateUpdates} p50=${s.p50?.toFixed(1)}ms p99=${s.p99?.toFixed(1)}ms rx=${(wire / 1e6).toFixed(1)}MB errors=${errors} disconnects=${disconnects}`,
    );
  }, 1000);

  try {
    const connecting: Promise<void>[] = [];
    if (options.rampSeconds && options.rampSeconds > 0) {
      // Each connect at its own due time (a chain of small sleeps would drift on a busy loop).
      const gapMs = (options.rampSeconds * 1000) / options.clients;
      const rampStart = performance.now();
      for (let i = 0; i < options.clients; i++) {
        const wait = rampStart + i * gapMs - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        connecting.push(startClient(i));
      }
    } else {
      let next = 0;
      const worker = async () => {
        while (next < options.clients) await startClient(next++);
      };
      for (let i = 0; i < Math.min(CONNECT_CONCURRENCY, options.clients); i++) connecting.push(worker());
    }
    await Promise.all(connecting);

    const bytesAtStart = sockets.reduce((sum, socket) => sum + socket.bytesRead, 0);
    const windowStarted = performance.now();
    await new Promise((resolve) => setTimeout(resolve, options.durationSeconds * 1000));
    const bytesReceived = sockets.reduce((sum, socket) => sum + socket.bytesRead, 0) - bytesAtStart;
    const measuredSeconds = (performance.now() - windowStarted) / 1000;
    return { joined, inputsSent, stateUpdates, latency, bytesReceived, measuredSeconds, errors, disconnects };
  } finally {
    clearInterval(progress);
    stopping = true;
    for (const client of clients) clearInterval(client.timer);
    await Promise.all(
      clients.map(
        ({ ws }) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve();
            const timer = setTimeout(() => (ws.terminate(), resolve()), 2000);
            ws.once("close", () => (clearTimeout(timer), resolve()));
            ws.close(1000);
          }),
      ),
    );
  }
}
