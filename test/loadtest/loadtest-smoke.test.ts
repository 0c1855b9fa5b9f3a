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

  async function run(args: string[], html?: string): Promise<{ ours: RunReport; naive: RunReport }> {
    const json = join(dir, `${args[0]}.json`);
    const child = spawn(process.execPath, ["--import", "tsx", "loadtest/run.ts", ...args, "--baseline", "--json", json, ...(html ? ["--html", html] : [])], {
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

  it("sse --observe-every 4, streams rotating every ~1 s: every subscriber counts events, only every 4th measures; raw readers and SDK subscriptions all resume; rotations, resumes and failures are counted apart; no event is counted twice", async () => {
    const clients = 40;
    const html = join(dir, "sse.html");
    // STREAM_LIFETIME_MS=1000 on both servers (the naive one rotates too, to compare readers): several rotations per subscriber.
    const { ours, naive } = await run(["sse", "--clients", String(clients), "--duration", "4", "--observe-every", "4", "--workers", "2", "--server-env", "STREAM_LIFETIME_MS=1000"], html);
    for (const report of [ours, naive]) {
      const sse = report.parts.sse!;
      const who = `${report.target}: ${JSON.stringify({ ...sse, latency: undefined, details: undefined })}`;
      // None was lost, at the window's start or its end: each is streaming, or between two streams and about to resume.
      assert.equal(sse.connectedAtStart + sse.resumingAtStart, clients, who);
      assert.equal(sse.connectedAtEnd + sse.resumingAtEnd, clients, who);
      assert.equal(sse.details.observers, 10);
      // Every subscriber's stream ended at its lifetime at least once; those ends are rotations, not failures.
      assert.ok(sse.rotations >= clients, who);
      assert.equal(sse.errors, 0, who);
      assert.equal(sse.disconnects, 0, who);
      assert.equal(report.errors, 0, who);
      // Every rotation was followed by a resume, but those still waiting when the run stopped.
      assert.ok(sse.resumes <= sse.rotations && sse.resumes >= sse.rotations - clients, who);
      // No event counted twice: one event per score change per subscriber at most (plus a resume's snapshot).
      assert.equal(sse.duplicates, 0, who);
      assert.ok(sse.messages <= clients * sse.details.writesSent + sse.gaps, who);
      assert.ok(sse.latency.count > 0, `${report.target}: observers measured`);
      // Every subscriber (observer or raw reader) counts every event after its first.
      assert.ok(sse.messages >= 2 * sse.latency.count, `${report.target}: ${sse.messages} events counted vs ${sse.latency.count} measured`);
      assert.ok(sse.bytes > 0);
    }
    // Ours replays what a resuming reader missed (Last-Event-ID); the naive server has no ids, so every resume is a fresh snapshot: a gap.
    assert.equal(ours.parts.sse!.gaps, 0);
    assert.ok(naive.parts.sse!.gaps > 0);
    assert.equal(naive.parts.sse!.gaps, naive.parts.sse!.resumes);
    assert.deepEqual(ours.options.serverEnv, { STREAM_LIFETIME_MS: "1000" });
    assert.equal(typeof ours.server?.loopDelayP99Ms, "number", "ours exposes /metrics");
    assert.equal(naive.server?.loopDelayP99Ms, undefined, "the naive server has no /metrics");
    // The report has them on lines of their own.
    const page = readFileSync(html, "utf8");
    for (const label of ["stream rotations", "resumes", "failures: errors / disconnects"]) assert.ok(page.includes(`<td>${label}</td>`), label);
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
