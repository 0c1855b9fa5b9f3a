import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The diagnostic preload docs/performance.md's memory breakdown was taken with. */
describe("loadtest/memory-preload.mjs", function () {
  this.timeout(30_000);

  it("writes a memory line a second, and on SIGUSR2 forces a GC (before/after lines) and a heap snapshot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "memory-preload-"));
    try {
      const child = spawn(process.execPath, ["--import", "./loadtest/memory-preload.mjs", "-e", "globalThis.keep = []; setInterval(() => keep.push(new Array(1000).fill(0)), 10)"], {
        cwd: new URL("../..", import.meta.url),
        env: { ...process.env, MEMORY_PRELOAD_DIR: dir, MEMORY_PRELOAD_SNAPSHOT: "1" },
        stdio: "ignore",
      });
      const file = join(dir, `memory-${child.pid}.jsonl`);
      const lines = () => {
        try {
          return readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line) as { tag: string; rssKB?: number; heapUsedKB?: number; spaces?: Record<string, unknown>; smaps?: { rssKB: number } });
        } catch {
          return [];
        }
      };
      const until = async (check: () => boolean) => {
        while (!check()) await new Promise((resolve) => setTimeout(resolve, 100));
      };
      await until(() => lines().some((line) => line.tag === "tick"));
      child.kill("SIGUSR2");
      await until(() => lines().some((line) => line.tag === "snapshot"));
      child.kill("SIGTERM");
      const tick = lines().find((line) => line.tag === "tick")!;
      assert.ok(tick.rssKB! > 0 && tick.smaps!.rssKB > 0 && tick.spaces!.old_space, "a tick carries RSS, smaps and the heap spaces");
      const tags = lines().map((line) => line.tag);
      assert.ok(tags.indexOf("before-gc") < tags.indexOf("after-gc"));
      assert.ok(readdirSync(dir).some((name) => name.endsWith(".heapsnapshot")));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
