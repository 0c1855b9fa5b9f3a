import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

describe("runtime", () => {
  it("runs on the Node pinned in package.json (never a silent fallback to the system Node)", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    const pinned: string = pkg.dependencies.node;
    const major = Number(process.versions.node.split(".")[0]);
    assert.ok(major >= 22, `Colyseus 0.18 needs Node >= 22 (reconnection breaks on 20); running ${process.version}`);
    assert.equal(process.versions.node, pinned, `expected the pinned Node ${pinned}, running ${process.version}`);
    assert.equal(typeof globalThis.WebSocket, "function", "Colyseus core needs the global WebSocket");
  });
});
