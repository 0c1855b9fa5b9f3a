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

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm), ...text.matchAll(/import\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1]!);
}

describe("sdk: packaging", function () {
  this.timeout(30_000);
  // Inside the repo so the Node build resolves node_modules; removed afterwards.
  const outDir = join(root, "dist", `.sdk-test-${process.pid}`);
  let result: SdkBuildResult;
  before(async () => {
    result = await buildSdk({ browserOutfile: join(outDir, "browser", "client-sdk.js"), nodeOutfile: join(outDir, "node", "index.js") });
  });
  after(() => rmSync(outDir, { recursive: true, force: true }));

  it("client-sdk imports only shared/, @colyseus/sdk and @colyseus/schema (DESIGN §3), and nothing from node:", () => {
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

  it("the browser bundle holds no Node built-in and no Node-only WebSocket code", () => {
    const inputs = Object.keys(result.browserMetafile.inputs);
    assert.ok(inputs.some((input) => input.startsWith("client-sdk/")), "sanity: the SDK is in it");
    assert.deepEqual(inputs.filter((input) => input.startsWith("node:") || /node_modules\/ws\/lib\//.test(input)), []);
    const code = readFileSync(result.browserOutfile, "utf8");
    assert.doesNotMatch(code, /\bfrom\s*["']node:|require\(["']node:/);
    assert.doesNotMatch(code, /\bimport\s*["'][^"']/, "a self-contained module: no bare imports left");
    assert.ok(result.browserBytes < 600 * 1024, `bundle is ${result.browserBytes} bytes`);
  });

  it("the Node ES module build works on its own: signs in, joins a room, syncs state", async () => {
    const sdk = (await import(pathToFileURL(result.nodeOutfile).href)) as typeof import("../../client-sdk/index.ts");
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
