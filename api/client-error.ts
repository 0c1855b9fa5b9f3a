import type { Duplex } from "node:stream";
import { STATUS_CODES, maxHeaderSize } from "node:http";
import { AppError } from "../shared/index.ts";
import { errorBody } from "./middleware/errors.ts";

export interface ClientErrorOptions {
  /** HTTP_HEADERS_TIMEOUT_MS, named in the 408 answer. */
  headersTimeoutMs: number;
  /** HTTP_REQUEST_TIMEOUT_MS, named in the 408 answer. */
  requestTimeoutMs: number;
}

/**
 * `http.Server` `clientError`: Node refuses some requests before Koa sees
 * them or while Koa waits for their body (headers over
 * `--max-http-header-size`, a malformed request line, a request not received
 * within `headersTimeout` / `requestTimeout`). Its default answer is a bare
 * status line; this one answers in the API's error shape instead
 * (`{error:{code,message}}`), so every refusal a client can read is
 * documented JSON. With no request or response object, the answer is written
 * to the socket directly (Node docs, 'clientError'); the connection closes.
 * A reset socket, or one whose response already started, gets nothing.
 */
export function clientErrorHandler(options: ClientErrorOptions): (error: Error & { code?: string }, socket: Duplex) => void {
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  return (error, socket) => {
    const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === "ECONNRESET" || !socket.writable || pending?.headersSent) {
      socket.destroy();
      return;
    }
    let appError: AppError;
    if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
      appError = new AppError(
        "REQUEST_TIMEOUT",
        `The request did not arrive in time (headers within ${seconds(options.headersTimeoutMs)}, the whole request within ${seconds(options.requestTimeoutMs)}); send the complete request again without pausing`,
      );
    } else if (error.code === "HPE_HEADER_OVERFLOW") {
      appError = new AppError("HEADERS_TOO_LARGE", `The request line and headers are larger than the server accepts (${maxHeaderSize} bytes); send fewer or shorter headers`);
    } else {
      appError = new AppError("BAD_REQUEST", "The request is not valid HTTP/1.1; check the request line and headers");
    }
    const body = JSON.stringify(errorBody(appError));
    socket.end(
      `HTTP/1.1 ${appError.status} ${STATUS_CODES[appError.status]}\r\n` +
        "Content-Type: application/json; charset=utf-8\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        "Cache-Control: no-store\r\n" +
        "Connection: close\r\n\r\n" +
        body,
    );
  };
}
