import assert from "node:assert/strict";
import { combineSamples } from "../../loadtest/server-probe.ts";
import { useLoadtestCli } from "../helpers/loadtest-cli.ts";
import { spawnServer, stopServer, type ServerProcess } from "../helpers/server-process.ts";
import { deleteKeys, REDIS_URL, uniquePrefix } from "../helpers/store-harness.ts";
import { TEST_ADMIN_KEY, TEST_TOKEN_SECRET } from "../helpers/test-server.ts";

/**
 * `--topology` (loadtest/runner.ts): ours deployed as docs/operations.md
 * "Process roles" describes, on a private redis-server the tool starts.
 */
describe("load tool: --topology", function () {
  this.timeout(120_000);
  const cli = useLoadtestCli();

  it("split: the players play on the room process, SSE and polls are served by the api process; both processes' histograms are read", async () => {
    const report = await cli.runOurs(["mixed", "--topology", "split", "--players", "20", "--subscribers", "40", "--polls", "40", "--duration", "4", "--ramp", "1", "--workers", "2"]);
    assert.equal(report.options.topology, "split");
    assert.equal(report.errors, 0, JSON.stringify(report.notes));
    // The arena histogram exists only on the room process and the SSE/poll ones see traffic only on the api process:
    // observations in all three mean both processes were read and summed.
    for (const part of ["arena", "sse", "longpoll"] as const) {
      const latency = report.server?.latency?.[part];
      assert.ok(latency && latency.count > 0, `${part}: ${JSON.stringify(latency)}`);
      assert.equal(report.parts[part]!.errors, 0);
    }
    assert.equal(report.parts.longpoll!.details.parkedAfterAbandon, 0);
    // Beside the sums, each process's own share.
    assert.ok(report.notes.some((note) => /^per process over the window: api process [0-9.]+% of a core, RSS [0-9.]+ MB.*; room process [0-9.]+% of a core/.test(note)), JSON.stringify(report.notes));
  });

  it("--url with --metrics-url: a running api process and room process, the players seated on the room process through the api process, both read", async () => {
    const prefix = uniquePrefix("lt-url");
    // Every simulated client comes from one IP: lift the per-client and per-IP stream and poll ceilings, as the tool does for a server it starts.
    const limits = { STREAMS_PER_CLIENT: "10000", STREAMS_PER_IP: "1000000", POLLS_PER_CLIENT: "10000", POLLS_PER_IP: "1000000" };
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, TOKEN_SECRET: TEST_TOKEN_SECRET, ADMIN_KEY: TEST_ADMIN_KEY, ...limits };
    let api: ServerProcess | undefined;
    let rooms: ServerProcess | undefined;
    try {
      [api, rooms] = await Promise.all([spawnServer("api", { ...env, PROCESS_ROLE: "api" }), spawnServer("rooms", env)]);
      const report = await cli.runOurs(["mixed", "--url", api.httpUrl, "--admin-key", TEST_ADMIN_KEY, "--metrics-url", `${api.httpUrl}/metrics`, "--metrics-url", `${rooms.httpUrl}/metrics`, "--players", "10", "--subscribers", "20", "--polls", "20", "--duration", "3", "--ramp", "1"]);
      assert.equal(report.errors, 0, JSON.stringify(report.notes));
      // Room inputs are measured only on the room process: its /metrics was read.
      assert.ok((report.server?.latency?.arena?.count ?? 0) > 0, JSON.stringify(report.server?.latency));
      const note = report.notes.find((n) => n.startsWith("per process over the window: "));
      assert.ok(note?.includes(new URL(api.httpUrl).host) && note.includes(new URL(rooms.httpUrl).host), JSON.stringify(report.notes));
    } finally {
      await Promise.all([stopServer(api), stopServer(rooms)]);
      await deleteKeys(prefix);
    }
  });

  it("refuses what a deployment cannot run: rooms on an api process, a topology of a server it does not start", async () => {
    const arena = await cli.refused(["arena", "--topology", "api"]);
    assert.equal(arena.code, 2);
    assert.match(arena.output, /--topology api runs no rooms/);
    const remote = await cli.refused(["sse", "--topology", "split", "--url", "http://127.0.0.1:1", "--admin-key", "k"]);
    assert.equal(remote.code, 2);
    assert.match(remote.output, /not with --url/);
    const metricsAlone = await cli.refused(["sse", "--metrics-url", "http://127.0.0.1:1/metrics"]);
    assert.equal(metricsAlone.code, 2);
    assert.match(metricsAlone.output, /use it with --url/);
  });

  it("combines processes' readings: CPU, RSS and histograms summed, the worst event-loop delay", () => {
    const histogram = (counts: number[], sum: number) => ({ bounds: [0.01, 0.1, Infinity], cumulative: counts, sum, count: counts.at(-1)! });
    const combined = combineSamples([
      { cpuSeconds: 1.5, rssBytes: 100, heapUsedBytes: 10, loopDelayP99Ms: 5, loopDelayMaxMs: 9, histograms: { a: histogram([1, 3, 4], 0.2) } },
      { cpuSeconds: 2, rssBytes: 50, heapUsedBytes: 20, loopDelayP99Ms: 7, loopDelayMaxMs: 8, histograms: { a: histogram([0, 2, 2], 0.1), b: histogram([1, 1, 1], 0.005) } },
    ]);
    assert.equal(combined.cpuSeconds, 3.5);
    assert.equal(combined.rssBytes, 150);
    assert.equal(combined.heapUsedBytes, 30);
    assert.equal(combined.loopDelayP99Ms, 7);
    assert.equal(combined.loopDelayMaxMs, 9);
    assert.deepEqual(combined.histograms!.a!.cumulative, [1, 5, 6]);
    assert.equal(combined.histograms!.a!.count, 6);
    assert.equal(combined.histograms!.b!.count, 1);
    // A process that could not be read leaves the sum unknown rather than short.
    assert.equal(combineSamples([{ cpuSeconds: 1 }, {}]).cpuSeconds, undefined);
    assert.equal(combineSamples([{ histograms: {} }, {}]).histograms, undefined);
  });
});
