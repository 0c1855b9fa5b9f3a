import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { SERVER_NODE_FLAGS } from "../../server/node-flags.ts";

describe("runtime", () => {
  it("runs on the Node pinned in package.json (never a silent fallback to the system Node)", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    const pinned: string = pkg.dependencies.node;
    const major = Number(process.versions.node.split(".")[0]);
    assert.ok(major >= 22, `Colyseus 0.18 needs Node >= 22 (reconnection breaks on 20); running ${process.version}`);
    assert.equal(process.versions.node, pinned, `expected the pinned Node ${pinned}, running ${process.version}`);
    assert.equal(typeof globalThis.WebSocket, "function", "Colyseus core needs the global WebSocket");
  });

  it("npm start and npm run dev pass the server's V8 flags (the ones load tests and tests spawn it with)", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    for (const script of ["start", "dev"]) {
      const words: string[] = pkg.scripts[script].split(/\s+/);
      for (const flag of SERVER_NODE_FLAGS) assert.ok(words.indexOf(flag) > 0 && words.indexOf(flag) < words.indexOf("server/main.ts"), `${script} misses ${flag}`);
    }
  });
});
