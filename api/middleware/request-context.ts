import { randomUUID } from "node:crypto";
import type { Middleware } from "koa";
import type { Logger } from "pino";
import type { ApiState } from "../context.ts";
import { HELD_EVENT, type HeldConnection } from "../held-connection.ts";
import { LogThrottle } from "../logging/log-throttle.ts";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export interface HttpObserver {
  /** Called once per finished response. `route` is the matched route template or "unmatched". */
  observe(method: string, route: string, status: number, seconds: number): void;
}

/**
 * `ctx.state` of an API request. The child logger carrying the request id is
 * made on first use only: most requests log just their one line at the end,
 * which the root logger writes with the same fields (a long-lived request,
 * e.g. a parked long poll, should not hold a logger of its own).
 */
class RequestState implements ApiState {
  routeLabel?: string;
  player?: ApiState["player"];
  readonly #root: Logger;
  readonly #throttle: LogThrottle;
  #log?: Logger;

  constructor(
    root: Logger,
    throttle: LogThrottle,
    public requestId: string,
  ) {
    this.#root = root;
    this.#throttle = throttle;
  }

  logLimited(level: "warn" | "error", kind: string, fields: Record<string, unknown>, message: string): void {
    this.#throttle[level](kind, { requestId: this.requestId, ...fields }, message);
  }

  get log(): Logger {
    return (this.#log ??= this.#root.child({ requestId: this.requestId }));
  }

  set log(logger: Logger) {
    this.#log = logger;
  }

  /** Logs at info with the request id, through the child logger if one was made (the same line either way). */
  logRequest(fields: Record<string, unknown>, message: string): void {
    if (this.#log) this.#log.info(fields, message);
    else this.#root.info({ requestId: this.requestId, ...fields }, message);
  }
}

/**
 * Request id (from a well-formed `X-Request-Id` or a new UUID), a child logger
 * carrying it (`ctx.state.log`, made when first used), one log line per
 * finished request, and the HTTP metrics. Warnings and errors go through
 * `throttle` (ctx.state.logLimited) so a flood of one kind is rate-limited. Streaming responses (SSE, long
 * polls) are logged when the socket finishes.
 */
export function requestContext(logger: Logger, observer: HttpObserver, throttle: LogThrottle = new LogThrottle(logger)): Middleware<ApiState> {
  return async (ctx, next) => {
    const incoming = ctx.get("X-Request-Id");
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const state = new RequestState(logger, throttle, requestId);
    ctx.state = state;
    ctx.set("X-Request-Id", requestId);
    const started = performance.now();
    const res = ctx.res;
    const routeOf = () => (typeof ctx._matchedRoute === "string" ? ctx._matchedRoute : state.routeLabel ?? "unmatched");
    const onClose = () => finished(observer, state, started, { method: ctx.method, path: ctx.path, route: routeOf(), status: res.statusCode });
    res.on("close", onClose);
    // A stream or parked poll taken out of Node's HTTP server (api/held-connection.ts): its response
    // never closes; the held connection reports the end, holding only these strings (not `ctx`).
    res.once(HELD_EVENT, (held: HeldConnection) => {
      res.off("close", onClose);
      followHeld(held, observer, state, started, ctx.method, ctx.path, routeOf());
    });
    await next();
  };
}

function finished(observer: HttpObserver, state: RequestState, started: number, line: { method: string; path: string; route: string; status: number }): void {
  const ms = performance.now() - started;
  observer.observe(line.method, line.route, line.status, ms / 1000);
  state.logRequest({ ...line, ms: Math.round(ms) }, "request");
}

/** A separate scope, so the listener keeps these values and not the request's context. */
function followHeld(held: HeldConnection, observer: HttpObserver, state: RequestState, started: number, method: string, path: string, route: string): void {
  held.onDone((status) => finished(observer, state, started, { method, path, route, status }));
}

declare module "koa" {
  interface DefaultContext {
    _matchedRoute?: string | RegExp;
  }
}
