import http from "node:http";
import type { AddressInfo } from "node:net";
import { clientErrorHandler } from "../api/client-error.ts";
import type { Config } from "./config.ts";

/**
 * How often Node checks the header and request deadlines, at most (its own
 * default, 30 s, would let a stalled request live that much longer). Not an
 * operator's choice: it only bounds how late HTTP_HEADERS_TIMEOUT_MS and
 * HTTP_REQUEST_TIMEOUT_MS fire.
 * @default 1000
 */
export const CONNECTIONS_CHECK_INTERVAL_MS = 1_000;

/**
 * The one `http.Server` of the process (Koa's requests and Colyseus's
 * WebSocket upgrades), with the receive deadlines of the configuration.
 */
export function createHttpServer(options: Config["http"]): http.Server {
  const server = http.createServer({
    // Node's request timeout bounds RECEIVING a request (headers and body), not
    // answering it: a long poll's or SSE stream's GET is complete at once, so
    // holds of 25 s and streams of minutes are not cut, while a client that
    // stalls its headers or body is answered 408 and its socket freed.
    headersTimeout: options.headersTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(CONNECTIONS_CHECK_INTERVAL_MS, options.headersTimeoutMs),
  });
  // HTTP_KEEP_ALIVE_TIMEOUT_MS: longer than the idle timeout of the proxy in front, so it never reuses a connection the server is closing.
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  // Requests Node refuses before Koa (huge headers, malformed HTTP, too slow) are answered in the error shape too.
  server.on("clientError", clientErrorHandler({ headersTimeoutMs: options.headersTimeoutMs, requestTimeoutMs: options.requestTimeoutMs }));
  return server;
}

/** Binds `port` (0 = any free port) on `host`, with the kernel queueing up to `backlog` connections not yet accepted (HTTP_LISTEN_BACKLOG). */
export async function listenOn(server: http.Server, port: number, host: string, backlog?: number): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host, backlog }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}
