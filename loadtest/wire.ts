import { Protocol } from "@colyseus/sdk";
import WebSocket from "ws";
import type { FetchLike, WebSocketConstructor, WebSocketLike } from "../client-sdk/index.ts";

/** Bytes received, shared by every connection of one part of a load-generator thread. */
export interface WireCounter {
  bytes: number;
  /** Frames (WebSocket) or chunks (HTTP bodies) received. */
  frames: number;
}

/** Low 5 bits of a Colyseus frame's first byte: its protocol code (the rest are modifier bits). */
const PROTOCOL_CODE_MASK = 0x1f;

/**
 * Size of a server → client WebSocket frame header (RFC 6455: unmasked,
 * 2 bytes up to 125 bytes of payload, 4 up to 65535, else 10), so counted
 * bytes are wire bytes: what the naive `ws` baseline reads from its sockets.
 */
export function wsFrameHeaderBytes(payloadBytes: number): number {
  return payloadBytes < 126 ? 2 : payloadBytes < 65536 ? 4 : 10;
}

export interface CountingWebSocketOptions {
  /**
   * `false`: state patches are counted and then dropped before @colyseus/sdk
   * sees them, so the bot never decodes them (no schema decode, no
   * callbacks). The full state of each join still goes through, as do room
   * messages, errors and leave frames, so the SDK's connection works as
   * usual; only `connection.state` stays at the join's snapshot.
   * @default true
   */
  decodePatches?: boolean;
}

/**
 * A WebSocket class for `createClient({ WebSocket })`: the `ws` package
 * (the same client library the naive baseline's bots use, no
 * permessage-deflate) with every received frame counted into `counter`
 * (payload + frame header). With `decodePatches: false` it is a bot that
 * still joins and plays through the SDK but skips decoding (`--observe-every`).
 */
export function countingWebSocket(counter: WireCounter, options: CountingWebSocketOptions = {}): WebSocketConstructor {
  const decodePatches = options.decodePatches ?? true;
  return class CountingWebSocket implements WebSocketLike {
    readonly #ws: WebSocket;
    #onmessage: ((event: any) => void) | null = null;

    constructor(url: string, protocols?: string | string[]) {
      this.#ws = new WebSocket(url, protocols, { perMessageDeflate: false });
      this.#ws.onmessage = (event) => {
        const data = event.data as ArrayBuffer | Buffer | string;
        const length = typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
        counter.bytes += length + wsFrameHeaderBytes(length);
        counter.frames++;
        if (!decodePatches && typeof data !== "string") {
          const first = data instanceof ArrayBuffer ? new Uint8Array(data, 0, 1)[0] : data[0];
          if (((first ?? 0) & PROTOCOL_CODE_MASK) === Protocol.ROOM_STATE_PATCH) return;
        }
        this.#onmessage?.(event);
      };
    }

    get binaryType(): string {
      return this.#ws.binaryType;
    }
    set binaryType(value: string) {
      this.#ws.binaryType = value as WebSocket["binaryType"];
    }
    get readyState(): number {
      return this.#ws.readyState;
    }
    get onopen() {
      return this.#ws.onopen as ((event: any) => void) | null;
    }
    set onopen(listener: ((event: any) => void) | null) {
      this.#ws.onopen = listener;
    }
    get onmessage() {
      return this.#onmessage;
    }
    set onmessage(listener: ((event: any) => void) | null) {
      this.#onmessage = listener;
    }
    get onclose() {
      return this.#ws.onclose as ((event: any) => void) | null;
    }
    set onclose(listener: ((event: any) => void) | null) {
      this.#ws.onclose = listener;
    }
    get onerror() {
      return this.#ws.onerror as ((event: any) => void) | null;
    }
    set onerror(listener: ((event: any) => void) | null) {
      this.#ws.onerror = listener;
    }
    send(data: ArrayBufferLike | ArrayBufferView): void {
      this.#ws.send(data as Buffer);
    }
    close(code?: number, reason?: string): void {
      this.#ws.close(code, reason);
    }
  };
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A fetch for `createClient({ fetch })` (and the naive clients) that counts
 * response body bytes into `counter` as they are read: SSE streams and
 * long-poll answers alike (a body with a Content-Length counts that length
 * without wrapping the stream). Headers are not counted (the same on both sides).
 */
export function countingFetch(counter: WireCounter, base: FetchLike = globalThis.fetch.bind(globalThis)): FetchLike {
  return async (input, init) => {
    const response = await base(input, init);
    // 204/304 and friends cannot be rebuilt with a body; they have none worth counting.
    if (!response.body || NULL_BODY_STATUSES.has(response.status)) return response;
    // A sized body (long-poll answers, API responses): its length is what will be read; no stream to wrap.
    const length = response.headers.get("content-length");
    if (length !== null && !response.headers.get("content-type")?.startsWith("text/event-stream")) {
      counter.bytes += Number(length);
      counter.frames++;
      return response;
    }
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          counter.bytes += chunk.byteLength;
          counter.frames++;
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
