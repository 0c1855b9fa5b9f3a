import http from "node:http";
import zlib from "node:zlib";

export interface SseEvent {
  event: string;
  id?: string;
  data: any;
}

/**
 * A raw SSE reader for tests (exact wire control): parses events and
 * comments as they arrive; `destroy()` cuts the connection at any point.
 */
export class RawSseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  retry?: number;
  response?: http.IncomingMessage;
  status?: number;
  body = "";
  ended = false;
  readonly #request: http.ClientRequest;
  #buffer = "";

  constructor(url: string, headers: Record<string, string> = {}) {
    this.#request = http.get(url, { headers }, (res) => {
      this.response = res;
      this.status = res.statusCode;
      // A gzip-encoding proxy (asked with `accept-encoding: gzip`): inflate each flushed block as it comes.
      const body = res.headers["content-encoding"] === "gzip" ? res.pipe(zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH })) : res;
      body.setEncoding("utf8");
      body.on("data", (chunk: string) => {
        if (res.statusCode !== 200) {
          this.body += chunk;
          return;
        }
        this.#buffer += chunk;
        let index: number;
        while ((index = this.#buffer.indexOf("\n\n")) !== -1) {
          this.#parse(this.#buffer.slice(0, index));
          this.#buffer = this.#buffer.slice(index + 2);
        }
      });
      if (body !== res) body.on("error", () => (this.ended = true));
      res.on("end", () => (this.ended = true));
      res.on("close", () => (this.ended = true));
    });
    this.#request.on("error", () => (this.ended = true));
  }

  get lastEventId(): string | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i].id) return this.events[i].id;
    return undefined;
  }

  pause(): void {
    this.response?.pause();
  }

  destroy(): void {
    this.#request.destroy();
    this.ended = true;
  }

  #parse(block: string): void {
    let event = "message";
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) this.comments.push(line.slice(1).trim());
      else if (line.startsWith("retry: ")) this.retry = Number(line.slice(7));
      else if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("id: ")) id = line.slice(4);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    if (data.length > 0) this.events.push({ event, id, data: JSON.parse(data.join("\n")) });
  }
}
