import type { Duplex } from "node:stream";
import { STATUS_CODES, maxHeaderSize } from "node:http";
import { AppError, type ErrorCode } from "../shared/index.ts";
import { errorBody } from "./middleware/errors.ts";

/**
 * `http.Server` `clientError`: Node refuses some requests before Koa sees
 * them (headers over `--max-http-header-size`, a malformed request line).
 * Its default answer is a bare status line; this one answers in the API's
 * error shape instead (`{error:{code,message}}`), so every refusal a client
 * can read is documented JSON. With no request or response object, the
 * answer is written to the socket directly (Node docs, 'clientError').
 *
 * A request-header timeout keeps Node's own bare 408 (a client that never
 * finished its headers is not reading JSON), and a reset socket gets nothing.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || pending?.headersSent) {
    socket.destroy();
    return;
  }
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    socket.end("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n");
    return;
  }
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const code: ErrorCode = tooLarge ? "HEADERS_TOO_LARGE" : "BAD_REQUEST";
  const appError = new AppError(code, tooLarge ? `The request line and headers are larger than the server accepts (${maxHeaderSize} bytes)` : "The request is not valid HTTP");
  const body = JSON.stringify(errorBody(appError));
  socket.end(
    `HTTP/1.1 ${appError.status} ${STATUS_CODES[appError.status]}\r\n` +
      "Content-Type: application/json; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Cache-Control: no-store\r\n" +
      "Connection: close\r\n\r\n" +
      body,
  );
}
