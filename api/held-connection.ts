import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { Socket } from "node:net";

/**
 * A connection taken out of Node's HTTP server while it waits: an open SSE
 * stream or a parked long poll.
 *
 * Why: Node keeps a request's parser (a C++ object, ~7 KB of malloc per
 * connection as measured, see docs/performance.md "Memory per connection"),
 * the request and response objects and Koa's context for as long as the
 * response is open — minutes for a stream, seconds for a poll, which also
 * promotes all of it to V8's old space. A held connection keeps the socket
 * and the few bytes its waiter needs: the parser goes back to Node's pool,
 * everything else is garbage while still young.
 *
 * How: what Node itself does to a socket it hands to an `upgrade` listener
 * (node/lib/_http_server.js: remove the server's socket listeners, stop the
 * parser consuming the socket, free the parser), done once the request is
 * complete and nothing else is queued on the connection. The response head
 * and body are then written to the socket directly. When the answer is
 * written and the client may send another request on the connection
 * (keep-alive), the connection waits idle under the server's keep-alive
 * timeout; the first bytes of the next request hand it back to the server
 * (`server.emit("connection")`, the documented way to give a server a
 * socket) with those bytes put back in front, so the new request is timed
 * and parsed by Node exactly as on a fresh connection.
 *
 * When anything it relies on is not as expected (another Node version, a
 * request still receiving, a pipelined request queued, HTTP/1.0), `take`
 * returns undefined and the caller answers through the response as before:
 * same bytes on the wire, more memory.
 */
export class HeldConnection {
  readonly #state: HeldSocket;
  /** The state's round this handle answers; once the connection moved on, the handle does nothing. */
  readonly #round: number;

  private constructor(state: HeldSocket) {
    this.#state = state;
    this.#round = state.round;
  }

  /**
   * Takes `req`'s connection from the HTTP server, or returns undefined
   * (answer through `res`). `onClose` runs once if the connection closes
   * before the answer is complete (the client went away, or `destroy()`).
   * The headers set on `res` so far are kept for the answer.
   */
  static take(req: IncomingMessage, res: ServerResponse, onClose: () => void): HeldConnection | undefined {
    const socket = req.socket as HttpSocket;
    const parser = socket.parser;
    const server = socket.server as http.Server | undefined;
    if (
      !internals ||
      !parser ||
      !(server instanceof http.Server) ||
      typeof parser.unconsume !== "function" ||
      (parser.incoming !== req && parser.incoming !== null) ||
      socket._httpMessage !== res ||
      socket._paused === true ||
      res.headersSent ||
      !req.complete ||
      req.httpVersion !== "1.1" ||
      socket.destroyed ||
      !socket.writable ||
      socket.readableLength > 0
    )
      return undefined;
    let state = states.get(socket);
    if (state && state.phase !== OFF) return undefined;
    const keepAlive = !/(?:^|,)\s*close\s*(?:,|$)/i.test(req.headers.connection ?? "");
    const headers = renderHeaders(res);
    // What Node does before an `upgrade`: the server's listeners off, the parser back to its pool.
    sweepListeners(socket);
    if (parser._consumed) parser.unconsume();
    parser._consumed = false;
    internals.freeParser(parser, req, socket);
    res.detachSocket(socket);
    socket.setTimeout(0);
    if (!state) states.set(socket, (state = new HeldSocket(socket, server)));
    state.hold(keepAlive, req.method === "HEAD", headers, onClose);
    const held = new HeldConnection(state);
    // The request's logging and metrics (request-context.ts) follow the held connection instead of `res`, which never closes now.
    res.emit(HELD_EVENT, held);
    return held;
  }

  /** The connection's socket. */
  get socket(): Socket {
    return this.#state.socket;
  }

  /** Calls `listener` once with the status when the answer is written or the connection closes before it. */
  onDone(listener: (status: number) => void): void {
    if (this.#current()) this.#state.whenDone = listener;
  }

  /** Writes the head of a chunked response (status 200 and the kept headers plus `extra`). */
  writeChunkedHead(extra: Record<string, string>, firstChunk: Buffer): boolean {
    if (!this.#current()) return false;
    return this.#state.socket.write(Buffer.concat([Buffer.from(this.#state.head(200, extra, "Transfer-Encoding: chunked\r\n"), "latin1"), firstChunk]));
  }

  /** Writes bytes (already framed). False when the socket is congested, as `socket.write`. */
  write(bytes: Buffer): boolean {
    return this.#current() ? this.#state.socket.write(bytes) : false;
  }

  /** Ends a chunked response (the last chunk) and keeps or closes the connection. */
  endChunked(): void {
    if (this.#current()) this.#state.finish(LAST_CHUNK);
  }

  /** Answers with a complete response: `status`, the kept headers plus `extra`, and `body` (omitted for HEAD). */
  answer(status: number, extra: Record<string, string>, body: string | Buffer): void {
    if (!this.#current()) return;
    const state = this.#state;
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    const head = state.head(status, extra, `Content-Length: ${bytes.length}\r\n`);
    state.status = status;
    state.finish(state.headOnly ? Buffer.from(head, "latin1") : Buffer.concat([Buffer.from(head, "latin1"), bytes]));
  }

  /** Drops the connection (a slow consumer, the process going away). */
  destroy(): void {
    if (this.#current()) this.#state.socket.destroy();
  }

  /** This handle's request is the one the connection is holding, not yet answered. */
  #current(): boolean {
    const state = this.#state;
    return state.round === this.#round && state.phase === HELD && !state.answered;
  }
}

/** A held request waits for its answer. */
const HELD = 1;
/** Answered on a kept-alive connection: waiting idle for the next request. */
const IDLE = 2;
/** The next request arrived: queued for the hand-back, then the server's. */
const OFF = 0;

/**
 * What a socket keeps while it goes from held request to held request: its
 * listeners, made once, and the current request's few fields. A long-poll
 * follower's connection is held, answered, handed back and held again every
 * round; a record per round (closures, a timer, listeners) lived for the
 * seconds a poll is parked, so V8 promoted it to old space, where each round
 * left it as garbage (docs/performance.md, "Memory per connection").
 */
class HeldSocket {
  readonly socket: Socket;
  readonly server: http.Server;
  /** Counts the requests held on this socket; a HeldConnection acts only in its own. */
  round = 0;
  phase: typeof HELD | typeof IDLE | typeof OFF = OFF;
  keepAlive = false;
  headOnly = false;
  /** The response head rendered at take time (the headers the middleware set), without the framing lines. */
  headers = "";
  answered = false;
  status = 200;
  whenDone: ((status: number) => void) | undefined;
  #onClose: (() => void) | undefined;
  #ignoredBytes = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #idleMs = 0;

  constructor(socket: Socket, server: http.Server) {
    this.socket = socket;
    this.server = server;
  }

  hold(keepAlive: boolean, headOnly: boolean, headers: string, onClose: () => void): void {
    this.round++;
    this.phase = HELD;
    this.keepAlive = keepAlive;
    this.headOnly = headOnly;
    this.headers = headers;
    this.answered = false;
    this.status = 200;
    this.whenDone = undefined;
    this.#onClose = onClose;
    this.#ignoredBytes = 0;
    open++;
    const socket = this.socket;
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("close", this.#onSocketClose);
    socket.on("error", ignore);
  }

  head(status: number, extra: Record<string, string>, framing: string): string {
    let lines = `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? "Unknown"}\r\n${this.headers}`;
    for (const name in extra) lines += `${name}: ${extra[name]}\r\n`;
    lines += `Date: ${new Date().toUTCString()}\r\n`;
    const keepAliveSeconds = Math.floor(this.server.keepAliveTimeout / 1000);
    lines += this.keepAlive ? `Connection: keep-alive\r\n${keepAliveSeconds > 0 ? `Keep-Alive: timeout=${keepAliveSeconds}\r\n` : ""}` : "Connection: close\r\n";
    return `${lines}${framing}\r\n`;
  }

  /** Writes the answer's last bytes; then the connection closes, or idles until the client's next request. */
  finish(lastBytes: Buffer): void {
    this.answered = true;
    this.#done();
    this.headers = "";
    this.#onClose = undefined;
    const socket = this.socket;
    if (!this.keepAlive) {
      socket.end(lastBytes);
      return;
    }
    socket.write(lastBytes);
    // Between requests: idle under the server's keep-alive timeout (closed silently when it passes, as Node does).
    this.phase = IDLE;
    open--;
    idleSet(this.server).add(socket);
    const ms = this.server.keepAliveTimeout > 0 ? this.server.keepAliveTimeout : 5_000;
    if (this.#idleTimer && this.#idleMs === ms) this.#idleTimer.refresh();
    else {
      clearTimeout(this.#idleTimer);
      this.#idleMs = ms;
      this.#idleTimer = setTimeout(this.#onIdleTimeout, ms).unref();
    }
    if (socket.isPaused()) socket.resume();
  }

  #done(): void {
    const listener = this.whenDone;
    this.whenDone = undefined;
    listener?.(this.status);
  }

  #leaveIdle(): void {
    idle.get(this.server)?.delete(this.socket);
    this.phase = OFF;
  }

  /**
   * Held: bytes before the answer is complete, a pipelined request (or
   * garbage). It is not read: the connection closes after the answer (as
   * HTTP allows; the client sends it again on a new connection). Past
   * PIPELINED_BYTES_MAX the connection is dropped.
   * Idle: the first bytes of the next request, which hand the connection back to the server.
   */
  readonly #onData = (chunk: Buffer): void => {
    const socket = this.socket;
    if (this.phase === HELD) {
      if (this.answered) return;
      this.keepAlive = false;
      this.#ignoredBytes += chunk.length;
      if (this.#ignoredBytes > PIPELINED_BYTES_MAX) socket.destroy();
      return;
    }
    if (this.phase !== IDLE) return;
    this.#leaveIdle();
    socket.off("data", this.#onData);
    socket.off("end", this.#onEnd);
    socket.off("close", this.#onSocketClose);
    // Until the server has it again, an error (nothing is read or written meanwhile) must not go unheard: `ignore` stays.
    socket.pause();
    socket.unshift(chunk);
    queueHandBack(this);
  };

  /** The client half-closed: nobody will read an answer, or send another request. */
  readonly #onEnd = (): void => {
    if (this.phase === HELD && this.answered) return;
    this.socket.destroy();
  };

  readonly #onSocketClose = (): void => {
    clearTimeout(this.#idleTimer);
    if (this.phase === IDLE) {
      this.#leaveIdle();
      return;
    }
    if (this.phase !== HELD) return;
    this.phase = OFF;
    open--;
    if (this.answered) return;
    this.answered = true;
    this.#done();
    const onClose = this.#onClose;
    this.#onClose = undefined;
    onClose?.();
  };

  readonly #onIdleTimeout = (): void => {
    // The timer is re-armed, not re-made, each time the connection goes idle; it may fire in another phase.
    if (this.phase === IDLE) this.socket.destroy();
  };
}

/** Connections held now: open streams and parked polls (not the kept-alive ones between requests). */
export function heldConnections(): number {
  return open;
}

/** Closes the kept-alive connections that are between requests (the server is shutting down; it waits for every socket). */
export function closeIdleHeld(server: http.Server): void {
  for (const socket of idle.get(server) ?? []) socket.destroy();
}

/**
 * Bytes a client may send on a held connection before its answer (they are
 * ignored and the connection closes after the answer); past it the
 * connection is dropped.
 * @default 65536
 */
export const PIPELINED_BYTES_MAX = 64 * 1024;
/** Emitted on the response a connection is taken from, with the HeldConnection. */
export const HELD_EVENT = "held-connection";
const LAST_CHUNK = Buffer.from("0\r\n\r\n", "latin1");
let open = 0;
const idle = new WeakMap<http.Server, Set<Socket>>();
const states = new WeakMap<Socket, HeldSocket>();
const ignore = (): void => {};

function idleSet(server: http.Server): Set<Socket> {
  let set = idle.get(server);
  if (!set) idle.set(server, (set = new Set()));
  return set;
}

/**
 * Connections whose next request has begun to arrive, handed back to the
 * server one per turn of the event loop. A wake-up answers a crowd of polls
 * at once and the crowd polls again at once: parsing and routing thousands
 * of requests in one turn would stall the rooms' ticks on the same process
 * for as long (hundreds of ms); one per turn lets timers run in between.
 */
const handBacks: HeldSocket[] = [];
let handBackNext = 0;
let handBackScheduled = false;

function queueHandBack(state: HeldSocket): void {
  handBacks.push(state);
  if (!handBackScheduled) {
    handBackScheduled = true;
    setImmediate(handBackOne);
  }
}

function handBackOne(): void {
  const { socket, server } = handBacks[handBackNext++]!;
  if (handBackNext === handBacks.length) {
    handBacks.length = 0;
    handBackNext = 0;
  }
  if (handBacks.length > 0) setImmediate(handBackOne);
  else handBackScheduled = false;
  socket.off("error", ignore);
  if (socket.destroyed) return;
  // Let the new parser consume the socket natively, as on a fresh connection.
  const handle = (socket as HttpSocket)._handle;
  if (handle) handle._consumed = false;
  server.emit("connection", socket);
  socket.resume();
}

/** The headers set on `res` as header lines, with their original case (the framing ones are the answer's own). */
function renderHeaders(res: ServerResponse): string {
  let lines = "";
  // `getRawHeaderNames` (Node ≥ 15.13) is missing from the installed @types/node.
  for (const name of (res as ServerResponse & { getRawHeaderNames(): string[] }).getRawHeaderNames()) {
    if (FRAMING_HEADERS.has(name.toLowerCase())) continue;
    const value = res.getHeader(name);
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) lines += `${name}: ${one}\r\n`;
  }
  return lines;
}

const FRAMING_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "date"]);

/** Every listener the HTTP server, Koa and on-finished put on the socket; net.Socket's own stay. */
function sweepListeners(socket: Socket): void {
  for (const event of SWEPT_EVENTS) {
    const keep = socketOwn.get(event);
    for (const listener of socket.listeners(event)) if (!keep?.has(listener)) socket.removeListener(event, listener as (...args: unknown[]) => void);
  }
}

const SWEPT_EVENTS = ["data", "end", "close", "drain", "error", "timeout", "pause", "resume", "readable", "finish"] as const;

/** The listeners a socket has before the HTTP server sees it (net.Socket's constructor adds some). */
const socketOwn: Map<string, Set<unknown>> = (() => {
  const probe = new Socket();
  const own = new Map<string, Set<unknown>>();
  for (const event of SWEPT_EVENTS) own.set(event, new Set(probe.listeners(event)));
  probe.destroy();
  return own;
})();

interface NodeParser {
  _consumed?: boolean;
  unconsume(): void;
  incoming?: unknown;
}
type HttpSocket = Socket & {
  parser?: NodeParser | null;
  _httpMessage?: unknown;
  _paused?: boolean;
  server?: unknown;
  _handle?: { _consumed?: boolean } | null;
};

/** Node's own `freeParser` (node:_http_common), or undefined on a Node without it (then nothing is held). */
const internals: { freeParser(parser: NodeParser, req: IncomingMessage, socket: Socket): void } | undefined = (() => {
  try {
    const common = createRequire(import.meta.url)("_http_common") as { freeParser?: unknown };
    return typeof common.freeParser === "function" ? (common as { freeParser(parser: NodeParser, req: IncomingMessage, socket: Socket): void }) : undefined;
  } catch {
    return undefined;
  }
})();
