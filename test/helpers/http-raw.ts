import net from "node:net";

export interface RawAnswer {
  /** Status code of the first final (non-1xx) response, if one arrived. */
  status?: number;
  headers: Record<string, string>;
  /** The body (JSON-parsed when it parses). */
  body: any;
  /** Every byte received, as text. */
  text: string;
  /** The server closed the connection. */
  closed: boolean;
}

/**
 * One HTTP/1.1 exchange on a raw socket, for what `fetch` cannot do: send a
 * request's head without its body, stall, or cut the connection. Writes
 * `request`, then resolves with the first complete final response (by its
 * Content-Length), or with what arrived when the server closed the socket.
 */
export function rawExchange(port: number, request: string | Buffer, options: { keepOpen?: boolean } = {}): Promise<RawAnswer & { socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      const answer = parseAnswer(text, closed);
      if (!closed && answer.status === undefined) return;
      settled = true;
      if (!options.keepOpen) socket.destroy();
      resolve({ ...answer, socket });
    };
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      text += chunk;
      finish(false);
    });
    socket.on("close", () => finish(true));
    socket.on("error", (error) => {
      if (!settled && text === "") reject(error);
    });
    socket.write(request);
  });
}

/** The first complete final response in `text` (skipping `100 Continue`), if any. */
export function parseAnswer(text: string, closed: boolean): RawAnswer {
  let rest = text;
  for (;;) {
    const headEnd = rest.indexOf("\r\n\r\n");
    if (headEnd === -1) return { headers: {}, body: undefined, text, closed };
    const [statusLine, ...lines] = rest.slice(0, headEnd).split("\r\n");
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? "")?.[1]);
    if (status >= 100 && status < 200) {
      rest = rest.slice(headEnd + 4);
      continue;
    }
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const raw = rest.slice(headEnd + 4);
    const length = Number(headers["content-length"] ?? NaN);
    if (Number.isInteger(length) && Buffer.byteLength(raw, "latin1") < length && !closed) return { headers: {}, body: undefined, text, closed };
    let body: unknown = raw;
    try {
      body = JSON.parse(Buffer.from(raw, "latin1").toString("utf8"));
    } catch {
      // not JSON
    }
    return { status, headers, body, text, closed };
  }
}
