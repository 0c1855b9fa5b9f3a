import assert from "node:assert/strict";
import { AppError, CreateLeagueRequest } from "../../shared/index.ts";
import type { Stores } from "../../store/index.ts";
import { createClient } from "redis";
import { IMPLEMENTATIONS, REDIS_URL, storeFixture } from "../helpers/store-harness.ts";

const settings = (body: Record<string, unknown>) => CreateLeagueRequest.parse(body);

const rejectsWith = (promise: Promise<unknown>, code: string, reason?: string) =>
  assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError, `expected AppError ${code}, got ${error}`);
    assert.equal(error.code, code);
    if (reason) assert.equal((error.details as { reason?: string }).reason, reason);
    return true;
  });

for (const impl of IMPLEMENTATIONS) {
  describe(`league store conformance (${impl.name})`, () => {
    const fixture = storeFixture(impl, "leagues");
    let stores: Stores;
    before(async () => {
      stores = await fixture.open();
    });
    after(() => fixture.closeAll());

    it("creates a league with defaults, an id and an invite code; the commissioner's own team is optional", async () => {
      const league = await stores.leagues.create({ ...settings({ name: "Sunday League" }), commissionerId: "p_comm1" });
      assert.match(league.id, /^lg_[0-9a-f]{16}$/);
      assert.match(league.inviteCode, /^[A-HJ-NP-Z2-9]{8}$/);
      assert.deepEqual(
        [league.teamCount, league.rosterSize, league.draftType, league.thirdRoundReversal, league.pickSeconds, league.draftOrder, league.draftStatus, league.teams],
        [8, 5, "snake", false, 60, "random", "scheduled", []],
      );
      assert.equal(league.standingsBoardId, `fantasy-${league.id}`);
      assert.deepEqual(await stores.leagues.get(league.id), league);
      assert.equal(await stores.leagues.get("lg_nope"), undefined);
      const own = await stores.leagues.create({ ...settings({ name: "Mine", teamName: "Comm FC", players: [{ playerId: "x1" }] }), commissionerId: "p_comm2" });
      assert.deepEqual(own.teams.map((t) => [t.teamId, t.name, t.managerId]), [["t1", "Comm FC", "p_comm2"]]);
      assert.deepEqual(own.players, [{ playerId: "x1" }]);
    });

    it("joins one team per player (idempotent), refuses a taken name, a full league and an unknown code", async () => {
      const league = await stores.leagues.create({ ...settings({ name: "Two", teamCount: 2 }), commissionerId: "p_c" });
      const a = await stores.leagues.join(league.inviteCode, { playerId: "p_a", teamName: "Alpha" });
      assert.deepEqual([a.created, a.team.teamId, a.team.name, a.league.teams.length], [true, "t1", "Alpha", 1]);
      const again = await stores.leagues.join(league.inviteCode, { playerId: "p_a", teamName: "Other name" });
      assert.deepEqual([again.created, again.team], [false, a.team]);
      await rejectsWith(stores.leagues.join(league.inviteCode, { playerId: "p_b", teamName: " alpha " }), "CONFLICT", "TEAM_NAME_TAKEN");
      const b = await stores.leagues.join(league.inviteCode, { playerId: "p_b", teamName: "Beta" });
      assert.equal(b.team.teamId, "t2");
      await rejectsWith(stores.leagues.join(league.inviteCode, { playerId: "p_c2", teamName: "Gamma" }), "CONFLICT", "LEAGUE_FULL");
      await rejectsWith(stores.leagues.join("ZZZZZZZZ", { playerId: "p_c2", teamName: "Gamma" }), "NOT_FOUND");
      assert.deepEqual((await stores.leagues.get(league.id))?.teams.map((t) => t.managerId), ["p_a", "p_b"]);
    });

    it("lists a player's leagues (commissioner or manager), newest first", async () => {
      const first = await stores.leagues.create({ ...settings({ name: "L1" }), commissionerId: "p_list" });
      const other = await stores.leagues.create({ ...settings({ name: "L2" }), commissionerId: "p_else" });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const third = await stores.leagues.create({ ...settings({ name: "L3" }), commissionerId: "p_else" });
      await stores.leagues.join(third.inviteCode, { playerId: "p_list", teamName: "Mine" });
      assert.deepEqual((await stores.leagues.listForPlayer("p_list")).map((l) => l.id), [third.id, first.id]);
      assert.ok(!(await stores.leagues.listForPlayer("p_list")).some((l) => l.id === other.id));
      assert.deepEqual(await stores.leagues.listForPlayer("p_nobody"), []);
    });

    it("a started draft closes the league to joins; status moves to complete and stays", async () => {
      const league = await stores.leagues.create({ ...settings({ name: "Draft" }), commissionerId: "p_c" });
      await stores.leagues.join(league.inviteCode, { playerId: "p_a", teamName: "A" });
      const started = await stores.leagues.markDraftStarted(league.id);
      assert.deepEqual([started.draftStatus, started.teams.length], ["in-progress", 1]);
      assert.equal((await stores.leagues.markDraftStarted(league.id)).draftStatus, "in-progress", "idempotent");
      await rejectsWith(stores.leagues.join(league.inviteCode, { playerId: "p_b", teamName: "B" }), "CONFLICT", "DRAFT_STARTED");
      assert.equal((await stores.leagues.join(league.inviteCode, { playerId: "p_a", teamName: "A" })).created, false, "members still get their team");
      assert.equal((await stores.leagues.markDraftComplete(league.id)).draftStatus, "complete");
      await rejectsWith(stores.leagues.markDraftStarted(league.id), "CONFLICT", "DRAFT_COMPLETE");
      await rejectsWith(stores.leagues.markDraftStarted("lg_missing"), "NOT_FOUND");
    });

    it("lists scheduled drafts whose start is due, earliest first, until they start", async () => {
      const base = Date.parse("2030-01-01T12:00:00Z");
      const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
      const late = await stores.leagues.create({ ...settings({ name: "Late", startAt: at(10) }), commissionerId: "p_sched" });
      const early = await stores.leagues.create({ ...settings({ name: "Early", startAt: at(5) }), commissionerId: "p_sched" });
      const unscheduled = await stores.leagues.create({ ...settings({ name: "Whenever" }), commissionerId: "p_sched" });
      const mine = async (now: number, limit = 10) => (await stores.leagues.listDueDrafts(now, limit)).filter((id) => [late.id, early.id, unscheduled.id].includes(id));
      assert.equal(late.startAt, at(10));
      assert.deepEqual(await mine(base), []);
      assert.deepEqual(await mine(base + 5 * 60_000), [early.id]);
      assert.deepEqual(await mine(base + 60 * 60_000), [early.id, late.id]);
      await stores.leagues.markDraftStarted(early.id);
      assert.deepEqual(await mine(base + 60 * 60_000), [late.id], "a started draft is no longer due");
      await stores.leagues.clearDraftSchedule(late.id);
      assert.deepEqual(await mine(base + 60 * 60_000), [], "a cleared schedule is no longer due");
    });

    it("reads settings added later as their defaults; keeps the new ones", async () => {
      const league = await stores.leagues.create({
        ...settings({ name: "Options", absentPolicy: "disconnect-grace", absentGraceSeconds: 30, rosterSlots: { GK: 1, BENCH: 1 }, quietHours: { start: "23:00", end: "08:00" }, softTimer: true }),
        commissionerId: "p_opts",
      });
      const read = (await stores.leagues.get(league.id))!;
      assert.deepEqual(
        [read.absentPolicy, read.absentGraceSeconds, read.rosterSlots, read.rosterSize, read.quietHours, read.softTimer],
        ["disconnect-grace", 30, { GK: 1, BENCH: 1 }, 2, { start: "23:00", end: "08:00", timeZone: "UTC" }, true],
      );
      const plain = await stores.leagues.create({ ...settings({ name: "Plain" }), commissionerId: "p_opts" });
      assert.deepEqual([plain.absentPolicy, plain.absentGraceSeconds, plain.softTimer, plain.rosterSlots, plain.startAt], ["missed-clock", 60, false, undefined, undefined]);
    });

    it("keeps only newer draft snapshots", async () => {
      assert.equal(await stores.leagues.loadDraftSnapshot("lg_snap"), undefined);
      assert.equal(await stores.leagues.saveDraftSnapshot("lg_snap", { version: 2, data: '{"v":2}' }), true);
      assert.equal(await stores.leagues.saveDraftSnapshot("lg_snap", { version: 1, data: '{"v":1}' }), false);
      assert.equal(await stores.leagues.saveDraftSnapshot("lg_snap", { version: 2, data: '{"v":"2b"}' }), false);
      assert.equal(await stores.leagues.saveDraftSnapshot("lg_snap", { version: 3, data: '{"v":3}' }), true);
      assert.deepEqual(await stores.leagues.loadDraftSnapshot("lg_snap"), { version: 3, data: '{"v":3}' });
    });
  });
}

describe("league store (redis): a league stored before the draft settings existed", () => {
  const fixture = storeFixture(IMPLEMENTATIONS.find((i) => i.redisUrl)!, "leagues-old");
  after(() => fixture.closeAll());

  it("reads the missing settings as their defaults", async () => {
    const stores = await fixture.open();
    const league = await stores.leagues.create({ ...settings({ name: "Old" }), commissionerId: "p_old" });
    const key = `${fixture.prefix}league:${league.id}`;
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    try {
      const record = JSON.parse((await client.hGet(key, "record"))!) as Record<string, unknown>;
      for (const field of ["absentPolicy", "absentGraceSeconds", "softTimer"]) delete record[field];
      await client.hSet(key, "record", JSON.stringify(record));
    } finally {
      await client.quit();
    }
    const read = (await stores.leagues.get(league.id))!;
    assert.deepEqual([read.absentPolicy, read.absentGraceSeconds, read.softTimer], ["missed-clock", 60, false]);
  });
});
