import assert from "node:assert/strict";
import { Findings } from "../helpers/fuzz/findings.ts";
import { fuzzRawFrames, fuzzRoom, rawOutcomes } from "../helpers/fuzz/room-fuzzer.ts";
import { TEST_ADMIN_KEY, useTestServer } from "../helpers/test-server.ts";
import { note } from "../helpers/quiet-console.ts";

/**
 * Hostile input against the real game, team and draft rooms through the stock
 * SDK, then raw frames of every kind over a raw `ws` socket (test/helpers/fuzz/: the
 * same fuzzers `npm run fuzz` runs for as many cases as asked). Every case
 * must be answered with an `error` message (never INTERNAL) or a documented
 * close code; a second, well-behaved client keeps getting patches; the room
 * keeps its invariants; the process survives. The first finding fails the
 * property, so fast-check shrinks it.
 */
const MAX_PAYLOAD = 16384;
const RUNS_PER_ROOM = Number(process.env.FUZZ_RUNS ?? 150);
const RAW_RUNS = Number(process.env.FUZZ_RAW_RUNS ?? 60);

describe("reliability: hostile room input (fast-check)", function () {
  this.timeout(120_000);
  const findings = new Findings("throw");

  // Rate limits high: this suite is about validation, not floods (test/security covers 4103).
  const server = useTestServer({
    env: { WS_MESSAGES_PER_SECOND: "10000", WS_MESSAGE_BURST: "10000", WS_CONTROL_FRAMES_PER_SECOND: "10000", WS_CONTROL_FRAME_BURST: "10000", WS_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD) },
  });
  after(async () => {
    note(`room fuzz: ${findings.total} hostile cases tried ${JSON.stringify(findings.cases)}`);
  });

  const target = () => ({ httpUrl: server.httpUrl, wsUrl: server.wsUrl, adminKey: TEST_ADMIN_KEY });

  for (const room of ["game", "team", "draft"] as const) {
    it(`${room}: every message type and unknown types; the room's invariants hold and a well-behaved client keeps getting patches`, async () => {
      await fuzzRoom(room, target(), RUNS_PER_ROOM, findings);
      assert.ok(findings.clean);
    });
  }

  it("raw frames of every kind after a real join: error or a documented close (1009 oversized, 4002, 4000), never INTERNAL; seats released; the room lives on", async () => {
    await fuzzRawFrames(target(), RAW_RUNS, findings, MAX_PAYLOAD);
    assert.ok(findings.clean);
    note(`raw frames: outcomes ${JSON.stringify(Object.fromEntries(rawOutcomes))}`);
  });
});
