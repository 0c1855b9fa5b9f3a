/**
 * The platform objects the SDK needs, injectable so the same code runs in
 * browsers, Node >= 22 (global fetch and WebSocket) and tests (centrifuge-js
 * habit). Nothing here imports a Node module.
 */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** The subset of the WHATWG WebSocket the room transport uses. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  send(data: ArrayBufferLike | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** Where `online` events come from: `window` in browsers; anything EventTarget-like in tests. */
export interface NetworkEvents {
  addEventListener(type: "online", listener: () => void): void;
  removeEventListener(type: "online", listener: () => void): void;
}

export interface Platform {
  fetch: FetchLike;
  /** Undefined only on a runtime without a global WebSocket (Node 20): then @colyseus/sdk falls back to `ws`. */
  WebSocket?: WebSocketConstructor;
  network?: NetworkEvents;
}

export interface PlatformOptions {
  /** @default globalThis.fetch */
  fetch?: FetchLike;
  /** @default globalThis.WebSocket (and @colyseus/sdk's `ws` fallback in Node without one) */
  WebSocket?: WebSocketConstructor;
  /** Source of the browser's `online` event. @default window, when it exists */
  network?: NetworkEvents | null;
}

export function resolvePlatform(options: PlatformOptions = {}): Platform {
  const globalFetch = typeof globalThis.fetch === "function" ? globalThis.fetch.bind(globalThis) : undefined;
  const fetchImpl = options.fetch ?? (globalFetch as FetchLike | undefined);
  if (!fetchImpl) throw new TypeError("client-sdk: no fetch on this platform; pass `fetch` to createClient()");
  const globalWebSocket = (globalThis as { WebSocket?: unknown }).WebSocket as WebSocketConstructor | undefined;
  const win = (globalThis as { window?: NetworkEvents }).window;
  return {
    fetch: fetchImpl,
    WebSocket: options.WebSocket ?? globalWebSocket,
    network: options.network === null ? undefined : (options.network ?? (win && typeof win.addEventListener === "function" ? win : undefined)),
  };
}

/**
 * A delay that can be cut short: `wake()` (the browser came back online, the
 * app called `reconnectNow()`) or `cancel()` (the connection is closing).
 * Resolves `"elapsed" | "woken" | "cancelled"`; never leaves a timer behind.
 */
export class Sleeper {
  #pending?: { timer: ReturnType<typeof setTimeout>; resolve: (how: SleepOutcome) => void };

  sleep(ms: number): Promise<SleepOutcome> {
    this.cancel();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending = undefined;
        resolve("elapsed");
      }, Math.max(0, ms));
      this.#pending = { timer, resolve };
    });
  }

  get sleeping(): boolean {
    return this.#pending !== undefined;
  }

  wake(): void {
    this.#finish("woken");
  }

  cancel(): void {
    this.#finish("cancelled");
  }

  #finish(how: SleepOutcome): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve(how);
  }
}

export type SleepOutcome = "elapsed" | "woken" | "cancelled";

/** `http://host:port[/path]` from an `http(s)://` or `ws(s)://` URL, without a trailing slash. */
export function httpBaseUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === "ws:") parsed.protocol = "http:";
  else if (parsed.protocol === "wss:") parsed.protocol = "https:";
  else if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`client-sdk: url must be http(s):// or ws(s):// (got ${url})`);
  }
  parsed.search = "";
  parsed.hash = "";
  return parsed.toString().replace(/\/+$/, "");
}
