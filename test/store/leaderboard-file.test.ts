import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppError, type LeaderboardListResponse } from "../../shared/index.ts";
import { LeaderboardFileError } from "../../store/index.ts";
import { startTestServer } from "../helpers/test-server.ts";
import { IMPLEMENTATIONS, storeFixture } from "../helpers/store-harness.ts";

describe("LEADERBOARDS_FILE: boards declared at start-up", () => {
  const dir = mkdtempSync(join(tmpdir(), "arena-boards-"));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
    return path;
  };
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("the server creates the file's boards besides the built-in ones", async () => {
    const path = file("boards.json", { leaderboards: [{ id: "season-points", operator: "incr", reset: "monthly", title: "Season" }, { id: "laps", sort: "asc" }] });
    const server = await startTestServer({ env: { LEADERBOARDS_FILE: path } });
    try {
      const list = (await (await fetch(`${server.httpUrl}/v1/leaderboards`)).json()) as LeaderboardListResponse;
      const byId = new Map(list.leaderboards.map((b) => [b.id, b]));
      assert.deepEqual([byId.get("season-points")?.operator, byId.get("season-points")?.reset, byId.get("laps")?.sort], ["incr", "monthly", "asc"]);
      assert.ok(byId.has("wins"));
    } finally {
      await server.close();
    }
  });

  it("a restart with an edited file updates the boards (Redis keeps them across processes); a sort change is refused", async () => {
    const fixture = storeFixture(IMPLEMENTATIONS[1], "boardfile");
    try {
      await fixture.open({ leaderboardsFile: file("v1.json", [{ id: "cup", title: "Cup", operator: "best" }]) });
      const second = await fixture.open({ leaderboardsFile: file("v2.json", [{ id: "cup", title: "The Cup", operator: "set", metadata: { season: 2 } }]) });
      const cup = await second.leaderboards.getConfig("cup");
      assert.deepEqual([cup?.title, cup?.operator, cup?.metadata, cup?.revision], ["The Cup", "set", { season: 2 }, 2]);
      await assert.rejects(fixture.open({ leaderboardsFile: file("v3.json", [{ id: "cup", sort: "asc" }]) }), (e: unknown) => e instanceof AppError && e.code === "CONFLICT");
    } finally {
      await fixture.closeAll();
    }
  });

  it("a bad file fails start-up with a message naming the file and the problem", async () => {
    const fixture = storeFixture(IMPLEMENTATIONS[0], "boardfile");
    const cases: [string, RegExp][] = [
      [file("broken.json", "{ not json"), /broken\.json is not valid JSON/],
      [file("invalid.json", [{ id: "ok" }, { id: "bad one" }]), /invalid\.json is invalid: 1\.id: not a leaderboard id/],
      [file("twice.json", [{ id: "same" }, { id: "same" }]), /twice\.json lists leaderboard same twice/],
      [join(dir, "missing.json"), /missing\.json cannot be read/],
    ];
    for (const [path, message] of cases) {
      await assert.rejects(fixture.open({ leaderboardsFile: path }), (e: unknown) => e instanceof LeaderboardFileError && message.test(e.message));
    }
    await assert.rejects(fixture.open({ leaderboardsFile: file("cron.json", [{ id: "c", reset: "every day" }]) }), /Invalid reset/);
    await fixture.closeAll();
  });
});
