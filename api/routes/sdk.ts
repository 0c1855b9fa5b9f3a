import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type Router from "@koa/router";
import { fillPath, routePath } from "../../shared/api/routes.ts";
import { AppError, type SdkManifestResponse } from "../../shared/index.ts";
import type { ApiContext, ApiState } from "../context.ts";
import { contractRouter } from "../contract-router.ts";

/** What api/routes/sdk.ts reads of scripts/build-sdk.ts's manifest.json (the API never imports scripts/). */
interface SdkManifest {
  inputsDigest: string;
  entries: Record<string, { file: string; map: string; integrity: string; bytes: number; gzipBytes: number }>;
  files: string[];
}

interface LoadedFile {
  body: Buffer;
  etag: string;
}

const IMMUTABLE = "public, max-age=31536000, immutable";
const REVALIDATE = "no-cache";

const contentType = (file: string) =>
  file.endsWith(".js") ? "text/javascript; charset=utf-8" : file.endsWith(".map") || file.endsWith(".json") ? "application/json; charset=utf-8" : "text/plain; charset=utf-8";

/**
 * The SDK for browsers on any origin (docs/protocol.md "The SDK over HTTP"):
 *
 * - `GET /sdk/<entry>.js` (`client-sdk`, `leaderboards`) and `.js.map`: the
 *   current build; `Cache-Control: no-cache`, `ETag` (304 on `If-None-Match`);
 * - `GET /sdk/<entry>.<hash>.js` (and every other file of the build): the
 *   same bytes under a content-hashed name, `Cache-Control: immutable` for a
 *   year (the entries' source maps are named after them);
 * - `GET /sdk/manifest.json`: the hashed names, sizes and SRI integrity.
 *
 * Public static code: `Access-Control-Allow-Origin: *` (never with
 * credentials) and `Cross-Origin-Resource-Policy: cross-origin`, so a game
 * on any origin can `import` it. The build (web/dist/sdk) is made by
 * `npm install` and, when stale, `npm start`; without it these answer 503
 * `SDK_NOT_BUILT`. The manifest is re-read when it changes on disk (a
 * rebuild needs no restart); files are read once and kept.
 */
export function sdkRoutes(sdkRoot: string): Router<ApiState> {
  const manifestPath = join(sdkRoot, "manifest.json");
  let manifest: { mtimeMs: number; value: SdkManifest } | undefined;
  const cache = new Map<string, LoadedFile>();

  const currentManifest = (): SdkManifest => {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(manifestPath).mtimeMs;
    } catch {
      throw new AppError("SDK_NOT_BUILT", "The SDK is not built on this server: run `npm run build:sdk` (npm install and npm start build it), then retry", {
        retryAfter: 30,
      });
    }
    if (manifest?.mtimeMs !== mtimeMs) manifest = { mtimeMs, value: JSON.parse(readFileSync(manifestPath, "utf8")) as SdkManifest };
    return manifest.value;
  };

  const load = (file: string): LoadedFile => {
    let loaded = cache.get(file);
    if (!loaded) {
      try {
        const body = readFileSync(join(sdkRoot, file));
        loaded = { body, etag: `"${createEtag(body)}"` };
      } catch (error) {
        throw new AppError("SDK_NOT_BUILT", `The SDK build is incomplete (${file} is missing): run \`npm run build:sdk\``, { cause: error, retryAfter: 30 });
      }
      cache.set(file, loaded);
    }
    return loaded;
  };

  const send = (ctx: ApiContext, file: string, cacheControl: string, body?: Buffer) => {
    const loaded = body ? { body, etag: `"${createEtag(body)}"` } : load(file);
    ctx.set({
      "Access-Control-Allow-Origin": "*",
      "Cross-Origin-Resource-Policy": "cross-origin",
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": cacheControl,
    });
    ctx.type = contentType(file);
    ctx.status = 200;
    ctx.etag = loaded.etag;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = loaded.body;
  };

  return contractRouter({
    "GET /sdk/manifest.json": (ctx) => {
      const current = currentManifest();
      const entries = Object.fromEntries(
        Object.entries(current.entries).map(([name, entry]) => [name, { url: sdkFile(entry.file), map: sdkFile(entry.map), integrity: entry.integrity, bytes: entry.bytes, gzipBytes: entry.gzipBytes }]),
      );
      send(ctx, "manifest.json", REVALIDATE, Buffer.from(JSON.stringify({ entries } satisfies SdkManifestResponse, null, 2)));
    },
    "GET /sdk/:file": (ctx, request) => {
      const current = currentManifest();
      const requested = request.params.file;
      // The unhashed names: the current build, revalidated on every use.
      const alias = /^(.+)\.js(\.map)?$/.exec(requested);
      const entry = alias ? current.entries[alias[1]!] : undefined;
      if (entry) return send(ctx, alias![2] ? entry.map : entry.file, REVALIDATE);
      if (current.files.includes(requested)) return send(ctx, requested, IMMUTABLE);
      const names = Object.keys(current.entries).map((name) => sdkFile(`${name}.js`));
      throw new AppError("NOT_FOUND", `No SDK file ${requested}: the SDK is served as ${names.join(" and ")} (hashed names: /sdk/manifest.json)`);
    },
  });
}

function sdkFile(file: string): string {
  return fillPath(routePath("GET /sdk/:file"), { file });
}

function createEtag(body: Buffer): string {
  return createHash("sha256").update(body).digest("base64url").slice(0, 27);
}
