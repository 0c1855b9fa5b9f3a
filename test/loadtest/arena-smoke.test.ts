import assert from "node:assert/strict";
import { useLoadtestCli } from "../helpers/loadtest-cli.ts";

/** The load-test tool end to end, small: `npm run loadtest -- arena --baseline --json` (see sse-smoke.test.ts). */
describe("loadtest tool: arena (small run, ours and the naive baseline)", function () {
  this.timeout(120_000);
  const cli = useLoadtestCli();

  it("arena: bots play, input→state is measured by the observers, bytes and server CPU are reported", async () => {
    const { ours, naive } = await cli.run(["arena", "--clients", "20", "--rooms", "2", "--duration", "3", "--observe-every", "2"]);
    for (const report of [ours, naive]) {
      const arena = report.parts.arena!;
      assert.equal(arena.connectedAtStart, 20, `${report.target}: all joined`);
      assert.equal(arena.details.observers, 10);
      assert.ok(arena.latency.count > 0 && arena.sent > 0 && arena.bytes > 0, `${report.target}: inputs sent, states measured`);
      assert.equal(report.errors, 0);
      assert.equal(typeof report.server?.cpuPercentOfOneCore, "number");
    }
    // Ours also reports the window's server-side latency, from its /metrics histogram; the naive server has none.
    const server = ours.server?.latency?.arena;
    assert.equal(server?.metric, "room_input_to_patch_seconds");
    assert.ok(server.count > 0, "inputs observed in the window");
    assert.ok(server.p50Ms !== undefined && server.p99Ms !== undefined && server.p50Ms <= server.p99Ms);
    assert.equal(naive.server?.latency, undefined);
  });
});
