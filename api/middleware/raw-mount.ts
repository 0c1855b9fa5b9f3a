import type Koa from "koa";
import type { RawMount } from "../app-deps.ts";
import type { ApiState } from "../context.ts";

/** Hands a path prefix to a raw Node handler (Koa's documented escape hatch `ctx.respond = false`). */
export function rawMountMiddleware(mount: RawMount, joinLimit?: Koa.Middleware<ApiState>): Koa.Middleware<ApiState> {
  return Object.assign(async (ctx: Koa.ParameterizedContext<ApiState>, next: Koa.Next) => {
    if (!ctx.path.startsWith(mount.prefix)) return next();
    ctx.state.routeLabel = mount.label;
    if (joinLimit && mount.isJoinAttempt?.(ctx.method, ctx.path)) await joinLimit(ctx, async () => undefined);
    let passed = false;
    ctx.respond = false;
    try {
      await mount.handle(ctx.req, ctx.res, () => {
        passed = true;
      });
    } catch (error) {
      // Nothing written yet: let the error middleware answer in the usual shape.
      if (!ctx.res.headersSent) ctx.respond = true;
      throw error;
    }
    if (passed) {
      ctx.respond = true;
      await next();
    }
  }, { mount });
}
