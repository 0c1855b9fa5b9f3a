import assert from "node:assert/strict";
import { runLoadtest } from "./run-loadtest.ts";

/**
 * The load-test tool end to end, small: `npm run loadtest -- longpoll
 * --baseline --json` against a server and a naive baseline it starts itself.
 * Checks what the reports count, not how fast anything was (timings are the
 * benchmarks' business, never a test's).
 */
describe("loadtest tool, longpoll (a small run, ours and the naive baseline)", function () {
  this.timeout(120_000);

  it("longpoll --observe-every 4: SDK and raw followers of ours and the naive pollers all get every result; none stays parked", async () => {
    const { ours, naive } = await runLoadtest(["longpoll", "--clients", "40", "--rounds", "2", "--result-every", "1", "--observe-every", "4", "--workers", "2"]);
    for (const report of [ours, naive]) {
      const longpoll = report.parts.longpoll!;
      assert.equal(longpoll.details.parked, 40, `${report.target}: all parked`);
      assert.equal(longpoll.details.wakeups, longpoll.details.expectedWakeups, `${report.target}: every follower got every result`);
      assert.equal(longpoll.details.wakeups, 80);
      assert.equal(longpoll.details.parkedAfterAbandon, 0);
      assert.equal(report.errors, 0);
    }
  });
});
