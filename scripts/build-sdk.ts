/**
 * Builds the client SDK for browsers and Node (`npm run build:sdk`; also run
 * by `npm install` (prepare) and, when stale, by `npm start` (prestart)):
 *
 * - web/dist/sdk/: the browser ES modules the server serves under /sdk/
 *   (api/routes/sdk.ts): `client-sdk.<hash>.js` (client-sdk/index.ts, the
 *   whole SDK) and `leaderboards.<hash>.js` (client-sdk/leaderboards-entry.ts:
 *   auth, leaderboards, match results; no Colyseus), each self-contained,
 *   with a source map and `manifest.json` (file names, sizes, SRI
 *   integrity, and a digest of every input, which `--if-stale` compares).
 *   `platform: "browser"` makes any Node built-in on the path a build error.
 *   The bundled libraries' `console` is routed to the SDK's logger
 *   (client-sdk/library-console.ts): the SDK prints nothing by itself.
 * - dist/sdk/index.js: the SDK as an ES module for Node >= 22, dependencies
 *   left as imports of node_modules.
 *
 * Concurrent builds (parallel test processes) are safe: each writes into a
 * temporary folder, then renames its files into place, the manifest last;
 * the names are content hashes, so equal builds write equal files.
 */
import { build, type Metafile } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The browser entries: name → source. `/sdk/<name>.js` serves each. */
export const SDK_ENTRIES = {
  "client-sdk": "client-sdk/index.ts",
  leaderboards: "client-sdk/leaderboards-entry.ts",
} as const;
export type SdkEntryName = keyof typeof SDK_ENTRIES;

export const DEFAULT_SDK_DIR = join(root, "web", "dist", "sdk");
export const DEFAULT_NODE_OUTFILE = join(root, "dist", "sdk", "index.js");

export interface SdkEntryInfo {
  /** The content-hashed file name (`client-sdk.ABCD1234.js`). */
  file: string;
  map: string;
  bytes: number;
  gzipBytes: number;
  /** Subresource Integrity of `file` (`sha384-…`). */
  integrity: string;
  /** Source files and packages bundled into it (relative paths, from the metafile). */
  inputs: string[];
}

export interface SdkManifest {
  builtAt: string;
  /** sha256 over the build script and every input's path and content. */
  inputsDigest: string;
  entries: Record<SdkEntryName, SdkEntryInfo>;
  /** Every file of the build (entries, source maps, legal notices). */
  files: string[];
}

export interface SdkBuildOptions {
  /** @default web/dist/sdk */
  outdir?: string;
  /** @default dist/sdk/index.js; null skips the Node build */
  nodeOutfile?: string | null;
  /** @default true */
  minify?: boolean;
}

export interface SdkBuildResult {
  outdir: string;
  manifest: SdkManifest;
  metafile: Metafile;
  nodeOutfile?: string;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** The digest `--if-stale` compares: the build script plus each input file's path and bytes. */
export function digestInputs(inputs: readonly string[]): string {
  const hash = createHash("sha256");
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  for (const input of [...inputs].sort()) {
    hash.update(`\0${input}\0`);
    const path = join(root, input);
    hash.update(existsSync(path) ? readFileSync(path) : "(missing)");
  }
  return hash.digest("hex");
}

export function readManifest(outdir = DEFAULT_SDK_DIR): SdkManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as SdkManifest;
  } catch {
    return undefined;
  }
}

/** Whether `outdir` holds a complete build of the current sources. */
export function isSdkFresh(outdir = DEFAULT_SDK_DIR): boolean {
  const manifest = readManifest(outdir);
  if (!manifest || !manifest.files.every((file) => existsSync(join(outdir, file)))) return false;
  const inputs = [...new Set(Object.values(manifest.entries).flatMap((entry) => entry.inputs))];
  return digestInputs(inputs) === manifest.inputsDigest;
}

export async function buildSdk(options: SdkBuildOptions = {}): Promise<SdkBuildResult> {
  const outdir = options.outdir ?? DEFAULT_SDK_DIR;
  const startedAt = Date.now();
  const staging = join(outdir, `.build-${process.pid}-${startedAt}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(staging, { recursive: true });
  try {
    const browser = await build({
      absWorkingDir: root,
      entryPoints: SDK_ENTRIES,
      entryNames: "[name].[hash]",
      outdir: staging,
      bundle: true,
      format: "esm",
      platform: "browser",
      target: ["es2022", "chrome100", "firefox100", "safari16"],
      // Schema decorators need the project's tsconfig flags (experimentalDecorators, useDefineForClassFields: false).
      tsconfig: "tsconfig.json",
      sourcemap: "linked",
      minify: options.minify ?? true,
      metafile: true,
      legalComments: "linked",
      logLevel: "warning",
      define: { console: "__sdkLibraryConsole" },
      inject: [join(root, "client-sdk", "library-console.ts")],
    });
    const manifest = manifestOf(browser.metafile, staging, startedAt);
    // Files first, the manifest last: a reader never sees a manifest naming a missing file.
    for (const file of manifest.files) renameSync(join(staging, file), join(outdir, file));
    writeFileSync(join(staging, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(join(staging, "manifest.json"), join(outdir, "manifest.json"));
    pruneOldFiles(outdir, new Set(manifest.files), startedAt);

    let nodeOutfile: string | undefined;
    if (options.nodeOutfile !== null) {
      nodeOutfile = options.nodeOutfile ?? DEFAULT_NODE_OUTFILE;
      await build({
        absWorkingDir: root,
        entryPoints: [SDK_ENTRIES["client-sdk"]],
        bundle: true,
        format: "esm",
        platform: "node",
        target: "node22",
        packages: "external",
        outfile: nodeOutfile,
        sourcemap: true,
        tsconfig: "tsconfig.json",
        logLevel: "warning",
      });
    }
    return { outdir, manifest, metafile: browser.metafile, nodeOutfile };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function manifestOf(metafile: Metafile, staging: string, startedAt: number): SdkManifest {
  const entries = {} as Record<SdkEntryName, SdkEntryInfo>;
  const files: string[] = [];
  for (const [outputPath, output] of Object.entries(metafile.outputs)) {
    const file = relative(staging, join(root, outputPath));
    files.push(file);
    const name = (Object.keys(SDK_ENTRIES) as SdkEntryName[]).find((key) => SDK_ENTRIES[key] === output.entryPoint);
    if (!name || !file.endsWith(".js")) continue;
    const code = readFileSync(join(staging, file));
    entries[name] = {
      file,
      map: `${file}.map`,
      bytes: output.bytes,
      gzipBytes: gzipSync(code, { level: 9 }).length,
      integrity: `sha384-${createHash("sha384").update(code).digest("base64")}`,
      inputs: Object.keys(output.inputs).filter((input) => !input.includes(":")).sort(),
    };
  }
  const inputs = [...new Set(Object.values(entries).flatMap((entry) => entry.inputs))];
  return { builtAt: new Date(startedAt).toISOString(), inputsDigest: digestInputs(inputs), entries, files: files.sort() };
}

/** Removes files of earlier builds (not in this manifest, older than this build). */
function pruneOldFiles(outdir: string, keep: ReadonlySet<string>, startedAt: number): void {
  for (const name of readdirSync(outdir)) {
    if (name === "manifest.json" || name.startsWith(".build-") || keep.has(name)) continue;
    const path = join(outdir, name);
    try {
      if (statSync(path).mtimeMs < startedAt) rmSync(path, { force: true });
    } catch {
      // removed by a concurrent build
    }
  }
}

/** Builds unless `outdir` already holds a build of the current sources. */
export async function ensureSdkBuilt(outdir = DEFAULT_SDK_DIR): Promise<SdkManifest> {
  if (isSdkFresh(outdir)) return readManifest(outdir)!;
  return (await buildSdk({ outdir, nodeOutfile: null })).manifest;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ifStale = process.argv.includes("--if-stale");
  if (ifStale && isSdkFresh()) {
    console.log("client-sdk: web/dist/sdk is up to date");
  } else {
    const result = await buildSdk();
    for (const [name, entry] of Object.entries(result.manifest.entries)) {
      console.log(`client-sdk: /sdk/${name}.js → ${relative(root, join(result.outdir, entry.file))} (${kib(entry.bytes)}, ${kib(entry.gzipBytes)} gzipped)`);
    }
    console.log(`client-sdk: ${relative(root, result.nodeOutfile!)} (Node ES module)`);
  }
}
