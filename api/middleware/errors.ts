import type Koa from "koa";
import type { Middleware, ParameterizedContext } from "koa";
import { AppError, ErrorCodes, type ErrorBody, type ErrorCode } from "../../shared/index.ts";
import type { ApiState } from "../context.ts";

/**
 * Normalises every thrown error at the edge, in one place: an
 * `AppError` keeps its code; a Koa/http-errors error with a status maps to the
 * nearest code; anything else is a 500 whose message is never shown. Unknown
 * errors are logged once, here.
 */
export function normaliseError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const status = typeof (error as { status?: unknown })?.status === "number" ? (error as { status: number }).status : 500;
  const type = (error as { type?: unknown })?.type;
  const message = error instanceof Error ? error.message : "Internal error";
  if (status === 413 || type === "entity.too.large") return new AppError("PAYLOAD_TOO_LARGE", "The request body is too large", { cause: error });
  if (status === 415) return new AppError("UNSUPPORTED_MEDIA_TYPE", message, { cause: error });
  if (status === 400 && (type === "entity.parse.failed" || error instanceof SyntaxError)) {
    return new AppError("INVALID_JSON", "The request body is not valid JSON", { cause: error });
  }
  const codeByStatus: Partial<Record<number, ErrorCode>> = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    429: "RATE_LIMITED",
    503: "STORE_UNAVAILABLE",
  };
  const code = codeByStatus[status];
  if (code && (error as { expose?: boolean }).expose !== false) return new AppError(code, message, { cause: error });
  return new AppError("INTERNAL", "Internal server error", { cause: error });
}

/** The headers an error's answer carries besides `Cache-Control: no-store`: its own, and `Retry-After` (whole seconds, at least 1) when it has one. */
export function errorHeaders(error: AppError): Record<string, string> {
  const headers: Record<string, string> = { ...error.headers };
  if (error.retryAfter !== undefined) headers["Retry-After"] = String(Math.max(1, Math.ceil(error.retryAfter)));
  return headers;
}

export function errorBody(error: AppError): ErrorBody {
  const spec = ErrorCodes[error.code];
  return {
    error: {
      code: error.code,
      message: spec.expose ? error.message : "Internal server error",
      ...(error.details !== undefined && spec.expose ? { details: error.details } : {}),
    },
  };
}

export function errorMiddleware(): Middleware<ApiState> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (thrown) {
      answerError(ctx, thrown);
    }
  };
}

/**
 * Puts a thrown error on the response (status, headers, `{error}` body) and
 * logs an unexpected one. The error middleware's answer; also used by
 * answers written after the middleware chain has returned (parked long polls).
 */
export function answerError(ctx: ParameterizedContext<ApiState>, thrown: unknown): void {
  const error = normaliseError(thrown);
  const clientGone = isClientGone(ctx, thrown);
  if (clientGone && error.code !== "INTERNAL") {
    // The client hung up (or stalled past the request timeout and was cut):
    // nobody is left to answer, and a crowd of them must not flood the log.
    ctx.state.log?.debug({ err: thrown }, "client went away before the answer");
    return;
  }
  if (error.code === "INTERNAL") logLimited(ctx, "error", "unhandled-error", { err: thrown }, "unhandled error");
  if (ctx.headerSent || !ctx.writable) {
    // A streaming response already started (or the client left): nothing useful can be sent.
    if (!clientGone) logLimited(ctx, "warn", "error-after-response", { err: thrown }, "error after the response started");
    return;
  }
  ctx.status = error.status;
  ctx.set(errorHeaders(error));
  ctx.set("Cache-Control", "no-store");
  ctx.body = errorBody(error);
}

const ABORT_CODES = new Set(["ECONNRESET", "ECONNABORTED", "EPIPE", "ERR_STREAM_PREMATURE_CLOSE"]);

/** A request body cut off by its client (raw-body's `request.aborted`), or a socket already closed. */
function isClientGone(ctx: ParameterizedContext<ApiState>, thrown: unknown): boolean {
  const error = thrown as { type?: unknown; code?: unknown } | undefined;
  if (error?.type === "request.aborted" || (typeof error?.code === "string" && ABORT_CODES.has(error.code))) return true;
  return ctx.req.socket?.destroyed === true && !ctx.headerSent;
}

function logLimited(ctx: ParameterizedContext<ApiState>, level: "warn" | "error", kind: string, fields: Record<string, unknown>, message: string): void {
  if (ctx.state.logLimited) ctx.state.logLimited(level, kind, fields, message);
  else ctx.state.log?.[level](fields, message);
}

/** Routers leave unmatched requests at 404 (or 405/501 from allowedMethods); answer those in the error shape. */
export function notFoundInErrorShape(): Koa.Middleware<ApiState> {
  return async (ctx, next) => {
    await next();
    if (ctx.body != null || ctx.respond === false) return;
    if (ctx.status === 405 || ctx.status === 501) throw new AppError("METHOD_NOT_ALLOWED", `${ctx.method} is not allowed on ${ctx.path}`);
    if (ctx.status === 404) throw new AppError("ROUTE_NOT_FOUND", `No route for ${ctx.method} ${ctx.path}`);
  };
}
