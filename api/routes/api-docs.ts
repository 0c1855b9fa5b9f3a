import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import type Router from "@koa/router";
import { fillPath, routePath } from "../../shared/api/routes.ts";
import { AppError } from "../../shared/index.ts";
import type { ApiContext, ApiState } from "../context.ts";
import { contractRouter } from "../contract-router.ts";
import { openApiDocument } from "../openapi/document.ts";

interface Served {
  type: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

/**
 * The page's own script: Swagger UI on `/openapi.json`, nothing fetched from
 * elsewhere (no validator badge, which would call validator.swagger.io).
 */
const docsFile = (file: string) => fillPath(routePath("GET /docs/:file"), { file });

const INIT_SCRIPT = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(routePath("GET /openapi.json"))},
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    defaultModelsExpandDepth: 0,
    docExpansion: "list",
    tryItOutEnabled: false,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Arena lobby API reference</title>
<link rel="stylesheet" href="${docsFile("swagger-ui.css")}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${docsFile("swagger-ui-bundle.js")}"></script>
<script src="${docsFile("init.js")}"></script>
</body>
</html>
`;

/**
 * The page loads only from this server: its script and styles, and the
 * document. Swagger UI sets inline styles and data: images; "Try it out"
 * calls this origin.
 */
const DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * `GET /openapi.json`: the OpenAPI 3.1 document of every route, generated
 * from the shared contract (api/openapi/document.ts) once, on first use.
 * `GET /docs`: a readable reference of it, rendered by Swagger UI
 * (swagger-ui-dist, served from node_modules by `GET /docs/:file`: no CDN).
 * Public and read-only: any origin may read the document (no credentials).
 */
export function apiDocsRoutes(): Router<ApiState> {
  let document: Served | undefined;
  const assets = new Map<string, Served>();
  const asset = (file: string): Served | undefined => {
    if (!assets.has(file)) {
      const made = ASSET_SOURCES[file]?.();
      if (!made) return undefined;
      assets.set(file, made);
    }
    return assets.get(file);
  };

  return contractRouter({
    "GET /openapi.json": (ctx) => {
      document ??= served("application/json; charset=utf-8", Buffer.from(JSON.stringify(openApiDocument(), null, 2)));
      ctx.set({ "Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin" });
      send(ctx, document);
    },
    "GET /docs": (ctx) => {
      ctx.set("Content-Security-Policy", DOCS_CSP);
      send(ctx, page);
    },
    "GET /docs/:file": (ctx, request) => {
      const found = asset(request.params.file);
      if (!found) throw new AppError("NOT_FOUND", `No file ${request.params.file} under /docs/ (the reference page is /docs)`);
      send(ctx, found);
    },
  });
}

const page = served("text/html; charset=utf-8", Buffer.from(PAGE));

/** The page's files: Swagger UI's bundle and styles from node_modules (read on first use), and its init script. */
const ASSET_SOURCES: Record<string, () => Served> = {
  "swagger-ui-bundle.js": () => served("text/javascript; charset=utf-8", readFileSync(swaggerUiFile("swagger-ui-bundle.js"))),
  "swagger-ui.css": () => served("text/css; charset=utf-8", readFileSync(swaggerUiFile("swagger-ui.css"))),
  "init.js": () => served("text/javascript; charset=utf-8", Buffer.from(INIT_SCRIPT)),
};

function swaggerUiFile(name: string): string {
  return createRequire(import.meta.url).resolve(`swagger-ui-dist/${name}`);
}

function served(type: string, body: Buffer): Served {
  return { type, body, gzip: gzipSync(body), etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` };
}

/** Sends a file: revalidated on every use (`no-cache` + ETag, 304 when unchanged), gzipped for clients that take it. */
function send(ctx: ApiContext, file: Served): void {
  ctx.set({ "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff", Vary: "Accept-Encoding" });
  ctx.type = file.type;
  ctx.status = 200;
  // Each encoding is its own representation, with its own validator.
  const gzip = ctx.acceptsEncodings("gzip", "identity") === "gzip";
  ctx.etag = gzip ? `${file.etag.slice(0, -1)}-gz"` : file.etag;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  if (gzip) ctx.set("Content-Encoding", "gzip");
  ctx.body = gzip ? file.gzip : file.body;
}
