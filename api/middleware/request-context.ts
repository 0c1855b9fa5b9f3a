import { randomUUID } from "node:crypto";
import type { Middleware } from "koa";
import type { Logger } from "pino";
import type { ApiState } from "../context.ts";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export interface HttpObserver {
  /** Called once per finished response. `route` is the matched route template or "unmatched". */
  observe(method: string, route: string, status: number, seconds: number): void;
}

/**
 * Request id (from a well-formed `X-Request-Id` or a new UUID), a child logger
 * carrying it, one log line per finished request, and the HTTP metrics.
 * Streaming responses (SSE, long polls) are logged when the socket finishes.
 */
export function requestContext(logger: Logger, observer: HttpObserver): Middleware<ApiState> {
  return async (ctx, next) => {
    const incoming = ctx.get("X-Request-Id");
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ requestId });
    ctx.set("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    ctx.res.once("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = typeof ctx._matchedRoute === "string" ? ctx._matchedRoute : ctx.state.routeLabel ?? "unmatched";
      const status = ctx.res.statusCode;
      observer.observe(ctx.method, route, status, seconds);
      ctx.state.log.info({ method: ctx.method, path: ctx.path, route, status, ms: Math.round(seconds * 1000) }, "request");
    });
    await next();
  };
}

declare module "koa" {
  interface DefaultContext {
    _matchedRoute?: string | RegExp;
  }
}
