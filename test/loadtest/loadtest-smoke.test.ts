import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunReport } from "../../loadtest/runner.ts";

/**
 * The load-test tool end to end, small: `npm run loadtest -- <scenario>
 * --baseline --json` against a server and a naive baseline it starts itself.
 * Checks what the reports count, not how fast anything was (timings are the
 * benchmarks' business, never a test's).
 */
describe("loadtest tool (small runs, ours and the naive baselines)", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "loadtest-smoke-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function run(args: string[]): Promise<{ ours: RunReport; naive: RunReport }> {
    const json = join(dir, `${args[0]}.json`);
    const child = spawn(process.execPath, ["--import", "tsx", "loadtest/run.ts", ...args, "--baseline", "--json", json], {
      cwd: new URL("../..", import.meta.url),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    assert.equal(code, 0, `loadtest ${args.join(" ")} failed:\n${output.slice(-3000)}`);
    return JSON.parse(readFileSync(json, "utf8"));
  }

  it("sse --observe-every 4: every subscriber counts events, only every 4th measures; the server's event-loop delay is reported", async () => {
    const { ours, naive } = await run(["sse", "--clients", "40", "--duration", "3", "--observe-every", "4", "--workers", "2"]);
    for (const report of [ours, naive]) {
      const sse = report.parts.sse!;
      assert.equal(sse.connectedAtStart, 40, `${report.target}: all connected`);
      assert.equal(sse.details.observers, 10);
      assert.equal(report.errors, 0);
      assert.equal(sse.disconnects, 0);
      assert.ok(sse.latency.count > 0, `${report.target}: observers measured`);
      // Every subscriber (observer or raw reader) counts every event after its first.
      assert.ok(sse.messages >= 2 * sse.latency.count, `${report.target}: ${sse.messages} events counted vs ${sse.latency.count} measured`);
      assert.ok(sse.bytes > 0);
    }
    assert.equal(typeof ours.server?.loopDelayP99Ms, "number", "ours exposes /metrics");
    assert.equal(naive.server?.loopDelayP99Ms, undefined, "the naive server has no /metrics");
  });

  it("longpoll --observe-every 4: SDK and raw followers of ours and the naive pollers all get every result; none stays parked", async () => {
    const { ours, naive } = await run(["longpoll", "--clients", "40", "--rounds", "2", "--result-every", "1", "--observe-every", "4", "--workers", "2"]);
    for (const report of [ours, naive]) {
      const longpoll = report.parts.longpoll!;
      assert.equal(longpoll.details.parked, 40, `${report.target}: all parked`);
      assert.equal(longpoll.details.wakeups, longpoll.details.expectedWakeups, `${report.target}: every follower got every result`);
      assert.equal(longpoll.details.wakeups, 80);
      assert.equal(longpoll.details.parkedAfterAbandon, 0);
      assert.equal(report.errors, 0);
    }
  });

  it("arena: bots play, input→state is measured by the observers, bytes and server CPU are reported", async () => {
    const { ours, naive } = await run(["arena", "--clients", "20", "--rooms", "2", "--duration", "3", "--observe-every", "2"]);
    for (const report of [ours, naive]) {
      const arena = report.parts.arena!;
      assert.equal(arena.connectedAtStart, 20, `${report.target}: all joined`);
      assert.equal(arena.details.observers, 10);
      assert.ok(arena.latency.count > 0 && arena.sent > 0 && arena.bytes > 0, `${report.target}: inputs sent, states measured`);
      assert.equal(report.errors, 0);
      assert.equal(typeof report.server?.cpuPercentOfOneCore, "number");
    }
  });
});
