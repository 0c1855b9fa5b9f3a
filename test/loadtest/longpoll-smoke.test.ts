import assert from "node:assert/strict";
import { useLoadtestCli } from "../helpers/loadtest-cli.ts";

/** The load-test tool end to end, small: `npm run loadtest -- longpoll --baseline --json` (see sse-smoke.test.ts). */
describe("loadtest tool: longpoll (small run, ours and the naive baseline)", function () {
  this.timeout(120_000);
  const cli = useLoadtestCli();

  it("longpoll --observe-every 4: SDK and raw followers of ours and the naive pollers all get every result; none stays parked", async () => {
    const { ours, naive } = await cli.run(["longpoll", "--clients", "40", "--rounds", "2", "--result-every", "1", "--observe-every", "4", "--workers", "2"]);
    for (const report of [ours, naive]) {
      const longpoll = report.parts.longpoll!;
      assert.equal(longpoll.details.parked, 40, `${report.target}: all parked`);
      assert.equal(longpoll.details.wakeups, longpoll.details.expectedWakeups, `${report.target}: every follower got every result`);
      assert.equal(longpoll.details.wakeups, 80);
      assert.equal(longpoll.details.parkedAfterAbandon, 0);
      assert.equal(report.errors, 0);
      // Without --generator-nice no client thread is niced (test/loadtest/generator-nice.test.ts covers the option).
      assert.deepEqual(report.generator.threads.map((t) => t.nice), report.generator.threads.map(() => 0), report.target);
    }
    const server = ours.server?.latency?.longpoll;
    assert.equal(server?.metric, "longpoll_result_to_answer_seconds");
    assert.ok(server.count > 0 && server.p99Ms !== undefined, "server-side wake-up latency over the window");
  });
});
