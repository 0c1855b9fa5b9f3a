import type { Middleware } from "koa";
import { bodyParser } from "@koa/bodyparser";
import { AppError } from "../../shared/index.ts";
import { ADMIN_PATH_PREFIX } from "../../shared/api/routes.ts";
import type { ApiState } from "../context.ts";
import { requireAdmin } from "./auth.ts";
import { normaliseError } from "./errors.ts";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * The middleware for request bodies (`app.use` each, in order): the admin key is checked for
 * the admin routes' prefix (`/v1/admin`) BEFORE any body is read (a client without it cannot make the
 * server wait for, or buffer, an admin body); a body must be JSON (415);
 * then it is parsed (HTTP_BODY_LIMIT_BYTES: 413), with decoding errors
 * answered as the client's (400 naming the Content-Encoding), not as 500s.
 */
export function requestBody(options: { bodyLimitBytes: number; adminKey?: string }): Middleware<ApiState>[] {
  const steps: Middleware<ApiState>[] = [];
  if (options.adminKey) steps.push(underPrefix(ADMIN_PATH_PREFIX, requireAdmin(options.adminKey)));
  steps.push(async (ctx, next) => {
    const hasBody = Number(ctx.get("Content-Length") || 0) > 0 || ctx.get("Transfer-Encoding") !== "";
    if (BODY_METHODS.has(ctx.method) && hasBody && !ctx.is("application/json")) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Request bodies must be application/json; send Content-Type: application/json");
    }
    await next();
  });
  steps.push(
    bodyParser({
      enableTypes: ["json"],
      jsonLimit: options.bodyLimitBytes,
      jsonStrict: true,
      onError: (error, ctx) => {
        throw bodyError(error, ctx.get("Content-Encoding"));
      },
    }) as Middleware<ApiState>,
  );
  return steps;
}

/**
 * A body that fails to decode under its own `Content-Encoding` label (zlib's
 * `Z_DATA_ERROR`, brotli's `ERR__ERROR_…`) is the client's mistake: 400
 * naming the encoding, not a 500. An encoding the parser does not know is 415.
 */
function bodyError(error: unknown, contentEncoding: string): AppError {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && (code.startsWith("Z_") || code.startsWith("ERR__ERROR_") || code.startsWith("ERR_BROTLI"))) {
    const encoding = contentEncoding.trim().toLowerCase() || "the declared encoding";
    return new AppError("BAD_REQUEST", `The body is labelled Content-Encoding: ${encoding} but is not valid ${encoding} data; compress it with ${encoding}, or send it uncompressed without the header`, { cause: error });
  }
  if ((error as { type?: unknown })?.type === "encoding.unsupported") {
    return new AppError("UNSUPPORTED_MEDIA_TYPE", `Content-Encoding ${contentEncoding.trim()} is not supported; send the body uncompressed, or as gzip, deflate or br`, { cause: error });
  }
  return normaliseError(error);
}

/** Runs `middleware` for paths at or under `prefix` only. */
function underPrefix(prefix: string, middleware: Middleware<ApiState>): Middleware<ApiState> {
  return (ctx, next) => (ctx.path === prefix || ctx.path.startsWith(`${prefix}/`) ? middleware(ctx, next) : next());
}
