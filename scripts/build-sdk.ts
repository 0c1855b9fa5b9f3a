/**
 * Builds the client SDK (`npm run build:sdk`):
 * - web/dist/client-sdk.js: one ES module for browsers, every dependency
 *   bundled (@colyseus/sdk, @colyseus/schema, msgpackr, zod), with a source
 *   map. `platform: "browser"` makes any Node built-in on the path a build
 *   error, which is how "browser-safe" is enforced.
 * - dist/sdk/index.js: the same code as an ES module for Node >= 22, with
 *   dependencies left as imports of node_modules.
 */
import { build, type Metafile, type Plugin } from "esbuild";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * zod's namespace re-exports its ~50 message locales (`z.locales`), which
 * esbuild cannot tree-shake out of `export * as`; they were over half of
 * the bundle. The SDK and shared/ only use the default English messages, so
 * the browser bundle gets a locales module with `en` alone.
 */
const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: "zod-locales-en", namespace: "zod-locales" } : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: "zod-locales" }, () => ({
      contents: `export { default as en } from "zod/v4/locales/en.js";`,
      resolveDir: root,
      loader: "js",
    }));
  },
};

export interface SdkBuildOptions {
  /** @default <repo>/web/dist/client-sdk.js */
  browserOutfile?: string;
  /** @default <repo>/dist/sdk/index.js */
  nodeOutfile?: string;
  /** @default true */
  minify?: boolean;
}

export interface SdkBuildResult {
  browserOutfile: string;
  nodeOutfile: string;
  browserBytes: number;
  browserMetafile: Metafile;
}

export async function buildSdk(options: SdkBuildOptions = {}): Promise<SdkBuildResult> {
  const browserOutfile = options.browserOutfile ?? `${root}web/dist/client-sdk.js`;
  const nodeOutfile = options.nodeOutfile ?? `${root}dist/sdk/index.js`;
  const common = {
    absWorkingDir: root,
    entryPoints: ["client-sdk/index.ts"],
    bundle: true,
    format: "esm" as const,
    // Schema decorators need the project's tsconfig flags (experimentalDecorators, useDefineForClassFields: false).
    tsconfig: "tsconfig.json",
    logLevel: "warning" as const,
    legalComments: "linked" as const,
  };
  const browser = await build({
    ...common,
    platform: "browser",
    target: ["es2022", "chrome100", "firefox100", "safari16"],
    outfile: browserOutfile,
    sourcemap: true,
    minify: options.minify ?? true,
    metafile: true,
    plugins: [zodEnglishOnly],
  });
  await build({ ...common, platform: "node", target: "node22", packages: "external", outfile: nodeOutfile, sourcemap: true });
  const output = Object.entries(browser.metafile.outputs).find(([file]) => file.endsWith(".js"));
  return { browserOutfile, nodeOutfile, browserBytes: output?.[1].bytes ?? 0, browserMetafile: browser.metafile };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await buildSdk();
  console.log(`client-sdk: ${result.browserOutfile} (${(result.browserBytes / 1024).toFixed(0)} KiB), ${result.nodeOutfile}`);
}
