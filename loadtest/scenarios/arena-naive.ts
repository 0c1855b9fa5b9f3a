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

/** Connects at once when there is no ramp. */
const CONNECT_CONCURRENCY = 64;
/** An observer remembers the send times of at most this many unacknowledged inputs. */
const MAX_INPUTS_IN_FLIGHT = 1000;
/** A non-observer kicks every this many inputs. */
const WANDER_KICK_EVERY = 20;
/** At the end, a socket that has not closed cleanly this long after `close()` is terminated. */
const CLOSE_TIMEOUT_MS = 2000;
/** The close code of a refused seat (the game room refuses it with CONFLICT too). */
const SEAT_REFUSED = 4409;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The `arena` load against the naive ws baseline: raw `ws` clients (not the
 * SDK), the same load shape as scenarios/arena.ts — ceil(clients/rooms)
 * clients per room (at least 2), teams of min(5, perRoom/2), one input
 * `{seq, dir, kick}` per client every 1/rate s, latency from the send to the
 * first state whose `lastProcessedInputSeq` covers the seq.
 */
export async function runArenaNaive(options: NaiveArenaOptions): Promise<NaiveArenaResult> {
  const load = new NaiveArenaLoad(options);
  const rampStarted = Date.now();
  const progress = setInterval(() => options.onProgress?.(load.progressLine(Math.round((Date.now() - rampStarted) / 1000))), 1000);
  try {
    await load.connectAll();
    const bytesAtStart = load.bytesRead();
    const windowStarted = performance.now();
    await sleep(options.durationSeconds * 1000);
    const bytesReceived = load.bytesRead() - bytesAtStart;
    const measuredSeconds = (performance.now() - windowStarted) / 1000;
    const { joined, inputsSent, stateUpdates, latency, errors, disconnects } = load;
    return { joined, inputsSent, stateUpdates, latency, bytesReceived, measuredSeconds, errors, disconnects };
  } finally {
    clearInterval(progress);
    await load.closeAll();
  }
}

/** The clients of one naive arena run and their counters. */
class NaiveArenaLoad {
  readonly latency = new LatencySamples();
  joined = 0;
  inputsSent = 0;
  stateUpdates = 0;
  errors = 0;
  disconnects = 0;
  stopping = false;
  readonly options: NaiveArenaOptions;
  readonly #base: string;
  readonly #perRoom: number;
  readonly #roomQuery: Record<string, string>;
  readonly #observeEvery: number;
  readonly #sockets: Socket[] = [];
  readonly #bots: NaiveBot[] = [];

  constructor(options: NaiveArenaOptions) {
    this.options = options;
    this.#base = options.url.replace(/^http/, "ws").replace(/\/$/, "");
    this.#perRoom = Math.max(2, Math.ceil(options.clients / options.rooms));
    const teamSize = Math.min(5, Math.ceil(this.#perRoom / 2));
    const matchSeconds = Math.max(30, options.durationSeconds * 2 + (options.rampSeconds ?? 0));
    this.#roomQuery = { teamSize: String(teamSize), matchSeconds: String(matchSeconds), countdownSeconds: "0.5" };
    this.#observeEvery = Math.max(1, Math.floor(options.observeEvery ?? 1));
  }

  /** Every client connected (or failed): on a ramp, each at its due time; otherwise CONNECT_CONCURRENCY at a time. */
  async connectAll(): Promise<void> {
    const { clients, rampSeconds } = this.options;
    const connecting: Promise<void>[] = [];
    if (rampSeconds && rampSeconds > 0) {
      // Each connect at its own due time (a chain of small sleeps would drift on a busy loop).
      const gapMs = (rampSeconds * 1000) / clients;
      const rampStart = performance.now();
      for (let i = 0; i < clients; i++) {
        const wait = rampStart + i * gapMs - performance.now();
        if (wait > 0) await sleep(wait);
        connecting.push(this.#connect(i));
      }
    } else {
      let next = 0;
      const worker = async () => {
        while (next < clients) await this.#connect(next++);
      };
      for (let i = 0; i < Math.min(CONNECT_CONCURRENCY, clients); i++) connecting.push(worker());
    }
    await Promise.all(connecting);
  }

  /** Wire bytes read so far, all clients. */
  bytesRead(): number {
    return this.#sockets.reduce((sum, socket) => sum + socket.bytesRead, 0);
  }

  progressLine(seconds: number): string {
    const s = this.latency.summary();
    return `t=${seconds}s joined=${this.joined}/${this.options.clients} inputs=${this.inputsSent} states=${this.stateUpdates} p50=${s.p50?.toFixed(1)}ms p99=${s.p99?.toFixed(1)}ms rx=${(this.bytesRead() / 1e6).toFixed(1)}MB errors=${this.errors} disconnects=${this.disconnects}`;
  }

  async closeAll(): Promise<void> {
    this.stopping = true;
    for (const bot of this.#bots) bot.stopInputs();
    await Promise.all(this.#bots.map((bot) => bot.close()));
  }

  /** Client `index`: resolves once it is seated (welcome), refused or gone. */
  #connect(index: number): Promise<void> {
    const room = Math.floor(index / this.#perRoom);
    const query = new URLSearchParams({ room: `r${room}`, name: `bot-${index}`, ...this.#roomQuery });
    const ws = new WebSocket(`${this.#base}/?${query}`, { perMessageDeflate: false });
    ws.on("upgrade", (response) => this.#sockets.push(response.socket));
    const bot = new NaiveBot(this, ws, index, index % this.#observeEvery === 0);
    this.#bots.push(bot);
    return bot.seated;
  }
}

/** One raw `ws` client: the welcome, then state frames (observers parse them and measure), and an input every 1/rate s. */
class NaiveBot {
  readonly seated: Promise<void>;
  readonly #load: NaiveArenaLoad;
  readonly #ws: WebSocket;
  readonly #observer: boolean;
  #timer?: NodeJS.Timeout;
  #sessionId?: string;
  #state?: JsonState;
  readonly #sentAt = new Map<number, number>();
  #seq = 0;
  #acked = 0;
  /** Non-observers wander. */
  #heading: number;

  constructor(load: NaiveArenaLoad, ws: WebSocket, index: number, observer: boolean) {
    this.#load = load;
    this.#ws = ws;
    this.#observer = observer;
    this.#heading = (index * 2.399) % (2 * Math.PI);
    this.seated = new Promise((resolve) => {
      ws.on("error", () => {
        load.errors++;
        resolve();
      });
      ws.on("close", (code) => {
        clearInterval(this.#timer);
        if (code === SEAT_REFUSED) load.errors++;
        else if (!load.stopping) load.disconnects++;
        resolve();
      });
      ws.on("message", (data: Buffer) => {
        if (this.#sessionId) return this.#onState(data);
        if (this.#onWelcome(data)) resolve();
      });
    });
  }

  stopInputs(): void {
    clearInterval(this.#timer);
  }

  close(): Promise<void> {
    const ws = this.#ws;
    return new Promise<void>((resolve) => {
      if (ws.readyState === WebSocket.CLOSED) return resolve();
      const timer = setTimeout(() => (ws.terminate(), resolve()), CLOSE_TIMEOUT_MS);
      ws.once("close", () => (clearTimeout(timer), resolve()));
      ws.close(1000);
    });
  }

  /** The first frame is the welcome (or a refusal, followed by a close). True once seated. */
  #onWelcome(data: Buffer): boolean {
    try {
      const message = JSON.parse(String(data)) as { type?: string; sessionId?: string };
      if (message.type !== "welcome" || !message.sessionId) return false;
      this.#sessionId = message.sessionId;
    } catch {
      this.#load.errors++;
      return false;
    }
    this.#load.joined++;
    this.#timer = setInterval(() => this.#sendInput(), 1000 / this.#load.options.rate);
    return true;
  }

  #onState(data: Buffer): void {
    const load = this.#load;
    load.stateUpdates++;
    if (!this.#observer) return; // only count (bytes come from the socket)
    try {
      this.#state = JSON.parse(String(data)) as JsonState;
    } catch {
      load.errors++;
      return;
    }
    const me = this.#state.players[this.#sessionId!];
    if (!me || me.lastProcessedInputSeq <= this.#acked) return;
    const now = performance.now();
    for (let s = this.#acked + 1; s <= me.lastProcessedInputSeq; s++) {
      const at = this.#sentAt.get(s);
      if (at !== undefined) {
        load.latency.add(now - at);
        this.#sentAt.delete(s);
      }
    }
    this.#acked = me.lastProcessedInputSeq;
  }

  #sendInput(): void {
    if (this.#ws.readyState !== WebSocket.OPEN || !this.#sessionId) return;
    let dir: { x: number; y: number };
    let kick: boolean;
    if (this.#observer) {
      if (!this.#state) return;
      const view: BotStateView = { ...this.#state, players: new Map(Object.entries(this.#state.players)) };
      ({ dir, kick } = decideArenaInput(view, this.#sessionId));
    } else {
      // A comparable input without decoding the state: a slow wander, a kick now and then.
      this.#heading += 0.15;
      dir = { x: Math.cos(this.#heading), y: Math.sin(this.#heading) };
      kick = this.#seq % WANDER_KICK_EVERY === 0;
    }
    const seq = ++this.#seq;
    if (this.#observer) {
      this.#sentAt.set(seq, performance.now());
      if (this.#sentAt.size > MAX_INPUTS_IN_FLIGHT) this.#sentAt.delete(this.#sentAt.keys().next().value!);
    }
    this.#ws.send(JSON.stringify({ seq, dir, kick }));
    this.#load.inputsSent++;
  }
}
