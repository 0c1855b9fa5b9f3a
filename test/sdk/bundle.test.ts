import assert from "node:assert/strict";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildSdk, type SdkBuildResult } from "../../scripts/build-sdk.ts";
import { projectRooms } from "../../rooms/index.ts";
import { ProbeMessages, ProbeState, probeRoom } from "../helpers/probe-room.ts";
import { startTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The size ceilings (gzip -9 of each self-contained browser entry), also printed in the README. */
export const SDK_SIZE_CEILINGS = { "client-sdk": 100 * 1024, leaderboards: 30 * 1024 } as const;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Value imports only: `import type` and `export type` carry no code into a bundle. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(?:import|export)\s(?!type\s)[^;]*?from\s+"([^"]+)"/gm), ...text.matchAll(/import\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1]!);
}

describe("sdk: packaging", function () {
  this.timeout(60_000);
  // Inside the repo so the Node build resolves node_modules; removed afterwards.
  const outDir = join(root, "dist", `.sdk-test-${process.pid}`);
  let result: SdkBuildResult;
  before(async () => {
    result = await buildSdk({ outdir: join(outDir, "browser"), nodeOutfile: join(outDir, "node", "index.js") });
  });
  after(() => rmSync(outDir, { recursive: true, force: true }));

  it("client-sdk imports only shared/, @colyseus/sdk and @colyseus/schema, and nothing from node:", () => {
    const problems: string[] = [];
    for (const file of sourceFiles(join(root, "client-sdk"))) {
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith(".")) {
          const target = relative(root, resolve(file, "..", specifier));
          if (!target.startsWith("client-sdk/") && !target.startsWith("shared/")) problems.push(`${relative(root, file)} imports ${specifier}`);
        } else if (!/^@colyseus\/(sdk|schema)(\/|$)/.test(specifier)) {
          problems.push(`${relative(root, file)} imports ${specifier}`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it("what client-sdk imports from shared/ at run time is zod-free, all the way down (zod stays opt-in: validation.ts)", () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    const visit = (file: string, chain: string[]) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const specifier of importsOf(file)) {
        if (specifier === "zod" || specifier.startsWith("zod/")) problems.push([...chain, relative(root, file)].join(" → ") + " → zod");
        else if (specifier.startsWith(".")) visit(resolve(file, "..", specifier), [...chain, relative(root, file)]);
      }
    };
    for (const file of sourceFiles(join(root, "client-sdk"))) {
      if (relative(root, file) === "client-sdk/validation.ts") continue; // the opt-in
      for (const specifier of importsOf(file)) {
        const target = resolve(file, "..", specifier);
        if (specifier.startsWith(".") && relative(root, target).startsWith("shared/")) visit(target, [relative(root, file)]);
      }
    }
    assert.deepEqual(problems, []);
  });

  it(`sizes (esbuild's metafile; gzip -9): the whole SDK ≤ 100 KiB, the leaderboards entry ≤ 30 KiB`, () => {
    for (const [name, ceiling] of Object.entries(SDK_SIZE_CEILINGS) as [keyof typeof SDK_SIZE_CEILINGS, number][]) {
      const entry = result.manifest.entries[name];
      const output = Object.entries(result.metafile.outputs).find(([, info]) => info.entryPoint && info.entryPoint.endsWith(name === "client-sdk" ? "client-sdk/index.ts" : "leaderboards-entry.ts"));
      assert.ok(output, `${name} is an output of the metafile`);
      assert.equal(output[1].bytes, entry.bytes, "the manifest's size is the metafile's");
      assert.ok(entry.gzipBytes <= ceiling, `${name}: ${entry.gzipBytes} B gzipped > ${ceiling}`);
    }
  });

  it("the README's size table says what the build measures (within 2 KiB or 5%)", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    for (const name of Object.keys(SDK_SIZE_CEILINGS) as (keyof typeof SDK_SIZE_CEILINGS)[]) {
      const row = readme.match(new RegExp(`^\\| \`/sdk/${name}\\.js\` \\|.*\\| (\\d+) KiB / (\\d+) KiB \\(ceiling (\\d+) KiB\\) \\|$`, "m"));
      assert.ok(row, `README has a size row for /sdk/${name}.js`);
      const entry = result.manifest.entries[name];
      const [minified, gzipped, ceiling] = row.slice(1).map(Number);
      const near = (stated: number, bytes: number) => Math.abs(stated * 1024 - bytes) <= Math.max(2048, bytes * 0.05);
      assert.ok(near(minified, entry.bytes), `README says ${minified} KiB minified for ${name}; the build is ${(entry.bytes / 1024).toFixed(1)} KiB`);
      assert.ok(near(gzipped, entry.gzipBytes), `README says ${gzipped} KiB gzipped for ${name}; the build is ${(entry.gzipBytes / 1024).toFixed(1)} KiB`);
      assert.equal(ceiling * 1024, SDK_SIZE_CEILINGS[name], `README's ceiling for ${name}`);
    }
  });

  it("the leaderboards entry holds no Colyseus, schema, msgpack or zod; neither entry holds zod", () => {
    const lb = result.manifest.entries.leaderboards.inputs;
    assert.ok(lb.some((input) => input.startsWith("client-sdk/leaderboard-subscription.ts")), "sanity: the subscription is in it");
    assert.deepEqual(lb.filter((input) => /node_modules\/(@colyseus|msgpackr|zod)\//.test(input)), []);
    const full = result.manifest.entries["client-sdk"].inputs;
    assert.ok(full.some((input) => input.includes("node_modules/@colyseus/sdk/")), "sanity: the full SDK has Colyseus");
    assert.deepEqual(full.filter((input) => input.includes("node_modules/zod/")), [], "message schemas are opt-in (client-sdk/validation.ts)");
  });

  it("the browser bundles hold no Node built-in, no Node-only WebSocket code, no bare import and no console call", () => {
    for (const entry of Object.values(result.manifest.entries)) {
      assert.deepEqual(entry.inputs.filter((input) => input.startsWith("node:") || /node_modules\/ws\/lib\//.test(input)), []);
      const code = readFileSync(join(result.outdir, entry.file), "utf8");
      assert.doesNotMatch(code, /\bfrom\s*["']node:|require\(["']node:/);
      assert.doesNotMatch(code, /\bimport\s*["'][^"']/, "a self-contained module: no bare imports left");
      assert.doesNotMatch(code, /\bconsole\./, "the libraries' console is routed to the SDK's logger");
      assert.match(code, new RegExp(`//# sourceMappingURL=${entry.map.replace(/\./g, "\\.")}\\n?$`), "the source map is linked by its hashed name");
    }
  });

  it("the Node ES module build works on its own: signs in, joins a room, syncs state", async () => {
    const sdk = (await import(pathToFileURL(result.nodeOutfile!).href)) as typeof import("../../client-sdk/index.ts");
    const server = await startTestServer({ rooms: (deps) => [...projectRooms(deps), probeRoom(deps)] });
    try {
      const client = sdk.createClient({ url: server.httpUrl, rooms: { probe: sdk.defineRoom()({ name: "probe", state: ProbeState, messages: ProbeMessages }) } });
      await client.auth.signInAsGuest("Bundled");
      const connection = await client.rooms.probe.joinOrCreate();
      connection.send("say", { text: "from the bundle" });
      await waitFor(() => connection.state?.said === "from the bundle", "state synced through the built module");
      await connection.leave();
    } finally {
      await server.close();
    }
  });
});
