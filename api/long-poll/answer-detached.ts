import type { ApiContext } from "../context.ts";
import type { HeldConnection } from "../held-connection.ts";
import { answerError, errorBody, errorHeaders, normaliseError } from "../middleware/errors.ts";

/**
 * Answers a request whose handler returned with `ctx.respond = false` (Koa's
 * documented escape hatch) and left the answer for later: a parked long poll
 * is held by its waiter alone, not by a suspended middleware chain.
 *
 * `answer` sets `ctx.status`/`ctx.body` as a handler would; if it throws, the
 * error is answered exactly as the error middleware answers it. The bytes are
 * then written the way Koa's `respond` writes a JSON or string body
 * (koa/lib/application.js): nothing but `end()` when the client is gone, no
 * body for HEAD, `Content-Length` set.
 */
export async function answerDetached(ctx: ApiContext, answer: () => void | Promise<void>): Promise<void> {
  try {
    await answer();
  } catch (error) {
    answerError(ctx, error);
  }
  const res = ctx.res;
  if (!ctx.writable) {
    res.end();
    return;
  }
  if (ctx.method === "HEAD") {
    if (!res.headersSent && !res.hasHeader("Content-Length")) {
      const { length } = ctx.response;
      if (Number.isInteger(length)) ctx.length = length!;
    }
    res.end();
    return;
  }
  let body: unknown = ctx.body;
  if (typeof body !== "string" && !Buffer.isBuffer(body)) {
    body = JSON.stringify(body);
    if (!res.headersSent) ctx.length = Buffer.byteLength(body as string);
  }
  res.end(body as string | Buffer);
}

const JSON_TYPE = { "Content-Type": "application/json; charset=utf-8" };

/**
 * The same for a poll held outside Node's HTTP server (api/held-connection.ts):
 * `answer` returns the JSON body; an error is answered in the error shape
 * (status, Retry-After, `{error}`) and an unexpected one reported to `onError`.
 */
export async function answerHeld(held: HeldConnection, answer: () => string | Promise<string>, onError: (error: unknown) => void): Promise<void> {
  let json: string;
  try {
    json = await answer();
  } catch (thrown) {
    const error = normaliseError(thrown);
    if (error.code === "INTERNAL") onError(thrown);
    // `Cache-Control: no-store` is among the headers kept when the poll was held.
    held.answer(error.status, { ...JSON_TYPE, ...errorHeaders(error) }, JSON.stringify(errorBody(error)));
    return;
  }
  held.answer(200, JSON_TYPE, json);
}
