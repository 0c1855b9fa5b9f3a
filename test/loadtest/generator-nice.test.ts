import assert from "node:assert/strict";
import { benchSizes, benchSpecs } from "../../loadtest/bench-plan.ts";
import { offeredInputsWarning } from "../../loadtest/measures.ts";
import { whichLatency } from "../../loadtest/report/text.ts";
import type { RunReport } from "../../loadtest/run-report.ts";
import { useLoadtestCli } from "../helpers/loadtest-cli.ts";

/**
 * `--generator-nice N` (loadtest/workers.ts): on a machine shared with the
 * generator, its client threads yield the cores to the server it starts.
 * Linux priority is per thread, so only the worker threads are niced: the
 * main thread, which spawns the server, keeps its own, and so does the server.
 */
describe("load tool: --generator-nice", function () {
  this.timeout(120_000);
  const cli = useLoadtestCli();

  it("runs the client worker threads at the given nice value and leaves the main thread (and so the server it spawns) at 0", async () => {
    const report = await cli.runOurs(["arena", "--clients", "8", "--rooms", "2", "--duration", "2", "--ramp", "1", "--workers", "2", "--generator-nice", "11"]);
    assert.equal(report.errors, 0, JSON.stringify(report.notes));
    const threads = Object.fromEntries(report.generator.threads.map((t) => [t.thread, t.nice]));
    assert.deepEqual(threads, { main: 0, "worker-0": 11, "worker-1": 11 });
    assert.ok(report.notes.some((note) => note.includes("nice 11 (--generator-nice)")), JSON.stringify(report.notes));
    // Eight players at 20 Hz are easily fed: the report does not call the load lighter than asked.
    assert.ok(report.parts.arena!.sent > 0);
    assert.ok(!report.generator.warnings.some((w) => w.includes("of the inputs the run asked for")), JSON.stringify(report.generator.warnings));
  });

  it("refuses what it cannot do fairly: one client thread (it spawns the servers), the naive baseline, a value outside 1–19", async () => {
    const one = await cli.refused(["arena", "--generator-nice", "10"]);
    assert.equal(one.code, 2);
    assert.match(one.output, /--generator-nice needs --workers 2 or more/);
    const baseline = await cli.refused(["arena", "--workers", "2", "--generator-nice", "10", "--baseline"]);
    assert.equal(baseline.code, 2);
    assert.match(baseline.output, /--generator-nice is for ours/);
    for (const bad of ["0", "2.5"]) {
      const out = await cli.refused(["arena", "--workers", "2", "--generator-nice", bad]);
      assert.equal(out.code, 2, bad);
      assert.match(out.output, /--generator-nice must be an integer from 1 to 19/);
    }
  });

  it("bench passes it to mixed and its solo runs only", () => {
    const specs = benchSpecs(benchSizes(true), { only: new Set(["arena", "mixed"]), workers: "2", observeEvery: "2", generatorNice: "15" });
    const niced = specs.filter((spec) => spec.args.join(" ").includes("--generator-nice 15")).map((spec) => spec.key);
    assert.deepEqual(niced.sort(), ["mixed/ours", "solo-arena/ours", "solo-longpoll/ours", "solo-sse/ours"]);
  });

  it("a run whose players sent under 90% of the inputs asked for says its load was lighter than asked", () => {
    // 500 players × 20 Hz × 60 s = 600,000 asked.
    assert.equal(offeredInputsWarning(560_000, 500, 20, 60), undefined);
    const warning = offeredInputsWarning(104_130, 500, 20, 60);
    assert.equal(warning, "the arena players sent 17% of the inputs the run asked for (1736/s of 10000/s): every figure, the server-side ones too, is for a lighter load");
    assert.equal(offeredInputsWarning(0, 0, 20, 60), undefined);
    // The report's "which latency to believe" line then says the server-side figures are for a lighter load.
    const report = (warnings: string[]) => ({ generator: { saturated: true, warnings } }) as unknown as RunReport;
    assert.match(whichLatency(report([warning!])), /the server-side ones are for a lighter load$/);
    assert.doesNotMatch(whichLatency(report(["the machine was CPU-bound"])), /lighter load/);
  });
});
