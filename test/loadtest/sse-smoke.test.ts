import assert from "node:assert/strict";
import { runLoadtest } from "./run-loadtest.ts";

/**
 * The load-test tool end to end, small: `npm run loadtest -- sse
 * --baseline --json` against a server and a naive baseline it starts itself.
 * Checks what the reports count, not how fast anything was (timings are the
 * benchmarks' business, never a test's).
 */
describe("loadtest tool, sse (a small run, ours and the naive baseline)", function () {
  this.timeout(120_000);

  it("sse --observe-every 4: every subscriber counts events, only every 4th measures; the server's event-loop delay is reported", async () => {
    const { ours, naive } = await runLoadtest(["sse", "--clients", "40", "--duration", "3", "--observe-every", "4", "--workers", "2"]);
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
});
