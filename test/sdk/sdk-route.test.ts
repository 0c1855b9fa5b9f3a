import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_SDK_DIR, buildSdk, ensureSdkBuilt, isSdkFresh, readManifest, type SdkManifest } from "../../scripts/build-sdk.ts";
import { loadConfig } from "../../server/config.ts";
import { createServer } from "../../server/create-server.ts";
import { TEST_ADMIN_KEY, TEST_TOKEN_SECRET, useTestServer } from "../helpers/test-server.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

/**
 * The server serves the SDK to browsers on any origin (api/routes/sdk.ts):
 * the current build under stable names (revalidated with ETag), the same
 * bytes under content-hashed immutable names, source maps, a manifest; a
 * clear 503 when the build is missing; and the build runs on `npm install`
 * and (when stale) on `npm start`.
 */
describe("sdk: GET /sdk/* (the SDK served to browsers)", function () {
  this.timeout(60_000);
  let manifest: SdkManifest;

  before(async () => {
    manifest = await ensureSdkBuilt();
  });
  // Only one page origin is allowed for the API; the SDK itself is public.
  const server = useTestServer({ env: { CORS_ORIGINS: "https://game.example" } });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.httpUrl}${path}`, { headers });

  for (const name of ["client-sdk", "leaderboards"] as const) {
    it(`/sdk/${name}.js: an ES module with CORS for any origin, an ETag, revalidated (no-cache), 304 when unchanged`, async () => {
      const entry = manifest.entries[name];
      const response = await get(`/sdk/${name}.js`, { origin: "https://elsewhere.example" });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "text/javascript; charset=utf-8");
      assert.equal(response.headers.get("access-control-allow-origin"), "*");
      assert.equal(response.headers.get("access-control-allow-credentials"), null);
      assert.equal(response.headers.get("cross-origin-resource-policy"), "cross-origin");
      assert.equal(response.headers.get("cache-control"), "no-cache");
      const etag = response.headers.get("etag");
      assert.match(etag ?? "", /^"[A-Za-z0-9_-]{10,}"$/);
      const body = Buffer.from(await response.arrayBuffer());
      assert.deepEqual(body, readFileSync(join(DEFAULT_SDK_DIR, entry.file)), "the current build's bytes");
      assert.match(body.toString("utf8"), /\bexport\s*\{/, "an ES module");

      // A cache's revalidation (fetch() would add `Cache-Control: no-cache` to a conditional request, asking for a full answer).
      const again = await rawGet(`${server.httpUrl}/sdk/${name}.js`, { "if-none-match": etag! });
      assert.equal(again.status, 304);
      assert.equal(again.body.length, 0);
      assert.equal((await rawGet(`${server.httpUrl}/sdk/${name}.js`, { "if-none-match": '"stale"' })).status, 200);
    });

    it(`/sdk/${name}.<hash>.js: the same bytes, immutable for a year; its source map beside it`, async () => {
      const entry = manifest.entries[name];
      assert.match(entry.file, new RegExp(`^${name}\\.[A-Z0-9]{8}\\.js$`));
      const response = await get(`/sdk/${entry.file}`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("cache-control"), "public, max-age=31536000, immutable");
      assert.equal(response.headers.get("access-control-allow-origin"), "*");
      const code = await response.text();
      assert.ok(code.endsWith(`//# sourceMappingURL=${entry.map}\n`), "linked to its hashed map");
      for (const path of [`/sdk/${entry.map}`, `/sdk/${name}.js.map`]) {
        const map = await get(path);
        assert.equal(map.status, 200, path);
        assert.equal(map.headers.get("content-type"), "application/json; charset=utf-8");
        const json = (await map.json()) as { version: number; sources: string[] };
        assert.equal(json.version, 3);
        assert.ok(json.sources.some((source) => source.includes("client-sdk/")), "maps back to the SDK's sources");
      }
    });
  }

  it("/sdk/manifest.json lists the hashed URLs with their SRI integrity; unknown files are a JSON 404", async () => {
    const response = await get("/sdk/manifest.json");
    assert.equal(response.status, 200);
    const body = (await response.json()) as { entries: Record<string, { url: string; integrity: string }> };
    assert.equal(body.entries.leaderboards?.url, `/sdk/${manifest.entries.leaderboards.file}`);
    assert.match(body.entries["client-sdk"]?.integrity ?? "", /^sha384-/);
    const missing = await get("/sdk/client-sdk.NOPE1234.js");
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, "NOT_FOUND");
  });

  it("the build runs on `npm install` (prepare) and, only when stale, on `npm start` (prestart); esbuild is a runtime dependency", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string>; dependencies: Record<string, string> };
    assert.match(pkg.scripts.prepare ?? "", /scripts\/build-sdk\.ts$/);
    assert.match(pkg.scripts.prestart ?? "", /scripts\/build-sdk\.ts --if-stale$/);
    assert.ok(pkg.dependencies.esbuild, "`npm ci --omit=dev && npm start` must still be able to build");
    const ignored = readFileSync(join(root, ".gitignore"), "utf8").split("\n");
    assert.ok(ignored.includes("web/dist/") || ignored.includes("dist/"), "the build output is not committed");
    // The current build is fresh: --if-stale does nothing.
    assert.ok(isSdkFresh());
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/build-sdk.ts", "--if-stale"], { cwd: root, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /up to date/);
  });

  it("--if-stale sees a changed input, a missing file or another build script as stale", async () => {
    const outdir = mkdtempSync(join(tmpdir(), "sdk-stale-"));
    try {
      await buildSdk({ outdir, nodeOutfile: null });
      assert.ok(isSdkFresh(outdir));
      const current = readManifest(outdir)!;
      // A digest of other inputs (as if a source file changed since).
      const changed = { ...current, inputsDigest: "0".repeat(64) };
      writeFileSync(join(outdir, "manifest.json"), JSON.stringify(changed));
      assert.equal(isSdkFresh(outdir), false);
      writeFileSync(join(outdir, "manifest.json"), JSON.stringify(current));
      assert.ok(isSdkFresh(outdir));
      unlinkSync(join(outdir, current.entries.leaderboards.file));
      assert.equal(isSdkFresh(outdir), false);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe("sdk: /sdk/* without a build", function () {
  this.timeout(20_000);
  it("answers 503 SDK_NOT_BUILT in the error shape, saying how to build it", async () => {
    const empty = mkdtempSync(join(tmpdir(), "sdk-none-"));
    const { config } = loadConfig({ NODE_ENV: "test", PORT: "0", HOST: "127.0.0.1", TOKEN_SECRET: TEST_TOKEN_SECRET, ADMIN_KEY: TEST_ADMIN_KEY, LOG_LEVEL: "silent" });
    const server = await createServer({ config, sdkRoot: empty });
    const { httpUrl } = await server.listen();
    try {
      for (const path of ["/sdk/client-sdk.js", "/sdk/leaderboards.js", "/sdk/manifest.json"]) {
        const response = await fetch(`${httpUrl}${path}`);
        assert.equal(response.status, 503, path);
        assert.ok(response.headers.get("retry-after"));
        const body = (await response.json()) as { error: { code: string; message: string } };
        assert.equal(body.error.code, "SDK_NOT_BUILT");
        assert.match(body.error.message, /npm run build:sdk/);
      }
    } finally {
      await server.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
