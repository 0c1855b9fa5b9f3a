import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs `script` (node -e) with the preload and `env`, hands the child and its output directory to `test`, and cleans both up. */
async function withPreload(env: Record<string, string>, script: string, test: (child: ChildProcess, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "memory-preload-"));
  const child = spawn(process.execPath, ["--import", "./loadtest/memory-preload.mjs", "-e", script], {
    cwd: new URL("../..", import.meta.url),
    env: { ...process.env, MEMORY_PRELOAD_DIR: dir, ...env },
    stdio: "ignore",
  });
  try {
    await test(child, dir);
  } finally {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The diagnostic preload docs/performance.md's memory breakdown was taken with. */
describe("loadtest/memory-preload.mjs", function () {
  this.timeout(30_000);

  it("writes a memory line a second, and on SIGUSR2 forces a GC (before/after lines) and a heap snapshot", async () => {
    await withPreload({ MEMORY_PRELOAD_SNAPSHOT: "1" }, "globalThis.keep = []; setInterval(() => keep.push(new Array(1000).fill(0)), 10)", async (child, dir) => {
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
    });
  });

  it("MEMORY_PRELOAD_SAMPLING=1 writes a sampled heap profile of what survived the young generation; a worker thread (tsx's loader) writes nothing", async () => {
    // Objects kept 2 s, so they are promoted, then dropped; a worker thread (which loads the preload too) holds a 48 MB heap.
    const script =
      "const { Worker } = require('node:worker_threads'); new Worker('globalThis.big = new Array(6e6).fill(1.5); setInterval(() => {}, 1000)', { eval: true }).unref();" +
      "let kept = []; setInterval(() => { kept.push({ payload: new Array(100).fill(1) }); }, 1); setInterval(() => { kept = []; }, 2000)";
    await withPreload({ MEMORY_PRELOAD_SAMPLING: "1" }, script, async (child, dir) => {
      const profile = join(dir, `promoted-${child.pid}.heapprofile`);
      const read = () => {
        try {
          return JSON.parse(readFileSync(profile, "utf8")) as { head: { selfSize: number; children: unknown[] }; samples: unknown[] };
        } catch {
          return undefined;
        }
      };
      while (!read()) await new Promise((resolve) => setTimeout(resolve, 200));
      child.kill("SIGTERM");
      const written = read()!;
      assert.ok(written.samples.length > 0 && written.head.children.length > 0, "a sampled profile with its call tree");
      assert.deepEqual(
        readdirSync(dir).filter((name) => name.startsWith("memory-")),
        [`memory-${child.pid}.jsonl`],
        "one memory file, the main thread's",
      );
      const lines = readFileSync(join(dir, `memory-${child.pid}.jsonl`), "utf8").trim().split("\n").map((line) => JSON.parse(line) as { heapUsedKB: number });
      assert.ok(lines.length >= 1 && lines.every((line) => line.heapUsedKB < 30_000), `every line is the main thread's small heap, none the worker's: ${lines.map((line) => line.heapUsedKB)}`);
    });
  });
});
