import assert from "node:assert/strict";
import { benchSizes, benchSpecs } from "../../loadtest/bench-plan.ts";
import type { PartReport } from "../../loadtest/aggregate.ts";
import { flagLighterLoad } from "../../loadtest/measures.ts";
import { whichLatency } from "../../loadtest/report/text.ts";
import type { GeneratorReport, RunReport } from "../../loadtest/run-report.ts";
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
    assert.equal(report.generator.lighterLoad, undefined, JSON.stringify(report.generator.warnings));
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
    const flagged = (sent: number, players = 500) => {
      const generator = { saturated: false, warnings: [] as string[] } as unknown as GeneratorReport;
      flagLighterLoad(generator, { sent, connectedAtStart: players } as PartReport, 20, 60);
      return generator;
    };
    const fed = flagged(560_000);
    assert.deepEqual([fed.saturated, fed.lighterLoad, fed.warnings], [false, undefined, []]);
    assert.equal(flagged(0, 0).lighterLoad, undefined);
    const starved = flagged(104_130);
    assert.equal(starved.saturated, true);
    assert.equal(starved.lighterLoad, true);
    assert.deepEqual(starved.warnings, ["the arena players sent 17% of the inputs the run asked for (1736/s of 10000/s): every figure, the server-side ones too, is for a lighter load"]);
    // The report's "which latency to believe" line then says the server-side figures are for a lighter load too.
    assert.match(whichLatency({ generator: starved } as RunReport), /the server-side ones are for a lighter load$/);
    assert.doesNotMatch(whichLatency({ generator: { ...starved, lighterLoad: undefined } } as RunReport), /lighter load/);
  });
});
