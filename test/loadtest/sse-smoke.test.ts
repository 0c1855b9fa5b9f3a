import assert from "node:assert/strict";
import { useLoadtestCli } from "../helpers/loadtest-cli.ts";

/**
 * The load-test tool end to end, small (one file per scenario, so parallel
 * mocha runs them side by side): `npm run loadtest -- sse --baseline --json`.
 * Checks what the reports count, not how fast anything was (timings are the
 * benchmarks' business, never a test's).
 */
describe("loadtest tool: sse (small run, ours and the naive baseline)", function () {
  this.timeout(120_000);
  const cli = useLoadtestCli();

  it("sse --observe-every 4, streams rotating every ~1 s: every subscriber counts events, only every 4th measures; raw readers and SDK subscriptions all resume; rotations, resumes and failures are counted apart; no event is counted twice", async () => {
    const clients = 40;
    // STREAM_LIFETIME_MS=1000 on both servers (the naive one rotates too, to compare readers): several rotations per subscriber.
    const { ours, naive, html } = await cli.run(["sse", "--clients", String(clients), "--duration", "4", "--observe-every", "4", "--workers", "2", "--server-env", "STREAM_LIFETIME_MS=1000"], "sse.html");
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
    const server = ours.server?.latency?.sse;
    assert.equal(server?.metric, "sse_change_to_write_seconds");
    assert.ok(server.count > 0 && server.p99Ms !== undefined, "server-side fan-out latency over the window");
    // The report has them on lines of their own.
    for (const label of ["stream rotations", "resumes", "failures: errors / disconnects"]) assert.ok(html!.includes(`<td>${label}</td>`), label);
  });
});
