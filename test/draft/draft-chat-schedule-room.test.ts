import assert from "node:assert/strict";
import { CHAT_LIMITS, DraftServerMessage } from "../../shared/index.ts";
import { draftRoom } from "../../rooms/draft-room.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { heardOf, joinDraft, leagueWith, leaveAll, player, reasonOf, seedRatings, type DraftSeat, type Player } from "../helpers/draft-helpers.ts";

describe("draft room: chat, scheduled starts and quiet hours (real server, stock SDK)", () => {
  let comm: Player, ann: Player, bob: Player;
  const seats: DraftSeat[] = [];
  const join = async (who: Player, leagueId: string) => {
    const seat = await joinDraft(server, who, leagueId);
    seats.push(seat);
    return seat;
  };
  const server = useTestServer({ env: { DRAFT_POOL_LIMIT: "6", DRAFT_SCHEDULE_CHECK_MS: "100" } });
  before(async () => {
    await seedRatings(server, Array.from({ length: 6 }, (_, i) => ({ ownerId: `r${i + 1}`, name: `Rated ${i + 1}`, score: 2000 - i * 10 })));
    [comm, ann, bob] = await Promise.all([player(server, "Comm"), player(server, "Ann"), player(server, "Bob")]);
  });
  afterEach(() => leaveAll(...seats.splice(0)));

  it("chat: lines reach everyone (draft.chat and state.chat); the text rule and the per-client rate limit of team chat apply", async () => {
    const league = await leagueWith(server, comm, [ann, bob]);
    const [a, b] = [await join(ann, league.id), await join(bob, league.id)];
    a.send("chat", { text: "  good luck  " });
    await waitFor(() => heardOf(b, DraftServerMessage.CHAT).length === 1, "Bob hears Ann");
    const line = heardOf(b, DraftServerMessage.CHAT)[0];
    assert.deepEqual([line.playerId, line.name, line.text, line.seq], [ann.playerId, "Ann", "good luck", 1]);
    await waitFor(() => b.room.state.chat.length === 1, "the line in state");
    a.send("chat", { text: "bad\u0000line" });
    const control = await a.nextError();
    assert.deepEqual([control.code, /control characters/.test(control.message)], ["VALIDATION_FAILED", true]);
    a.send("chat", { text: "x".repeat(CHAT_LIMITS.maxChatLength + 1) });
    assert.equal((await a.nextError()).code, "VALIDATION_FAILED");
    for (let i = 0; i <= CHAT_LIMITS.chatBurst; i++) b.send("chat", { text: `line ${i}` });
    assert.equal((await b.nextError()).code, "RATE_LIMITED", "one line past Bob's burst");
    await waitFor(() => a.room.state.chat.length === 1 + CHAT_LIMITS.chatBurst, "the burst landed");
    assert.equal(b.errors.length, 1);
  });

  it("a scheduled draft starts itself at startAt with its room open (draft.started by schedule); a refused one is announced", async () => {
    const league = await leagueWith(server, comm, [ann, bob], { draftOrder: "manual", rosterSize: 2, pickSeconds: 600, startAt: new Date(Date.now() + 1500).toISOString() });
    const a = await join(ann, league.id);
    await waitFor(() => a.room.state.startAt > 0, "the schedule in state");
    await waitFor(() => heardOf(a, DraftServerMessage.STARTED).length === 1, "draft.started");
    assert.deepEqual(heardOf(a, DraftServerMessage.STARTED)[0], { by: "schedule", order: ["t1", "t2"] });
    assert.equal(a.room.state.status, "running");

    // Far enough ahead that Ann is seated before the start is tried (it is announced once, to whoever is there).
    const lonely = await leagueWith(server, comm, [ann], { startAt: new Date(Date.now() + 3000).toISOString() });
    const l = await join(ann, lonely.id);
    await waitFor(() => heardOf(l, DraftServerMessage.SCHEDULE_FAILED).length === 1, "draft.schedule.failed", 20_000);
    assert.equal(heardOf(l, DraftServerMessage.SCHEDULE_FAILED)[0].reason, "NOT_ENOUGH_TEAMS");
    assert.equal(l.room.state.status, "waiting");
    await waitFor(async () => !(await server.server.stores.leagues.listDueDrafts(Date.now(), 1000)).includes(lonely.id), "off the scheduler's due list");
  });

  it("a scheduled draft starts even if nobody has its room open (the scheduler opens it)", async () => {
    const league = await leagueWith(server, comm, [ann, bob], { rosterSize: 2, pickSeconds: 600, startAt: new Date(Date.now() + 300).toISOString() });
    await waitFor(async () => (await server.server.stores.leagues.get(league.id))?.draftStatus === "in-progress", "the league's draft started with no client", 10_000);
    const a = await join(ann, league.id);
    await waitFor(() => a.room.state.status === "running", "running when Ann arrives");
    assert.equal(a.room.state.order.length, 2);
  });

  it("quiet hours stop the clock: no autopick, the clock frozen, the state says so", async () => {
    const now = new Date();
    const hhmm = (d: Date) => `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
    const quietHours = { start: hhmm(new Date(now.getTime() - 60 * 60_000)), end: hhmm(new Date(now.getTime() + 60 * 60_000)), timeZone: "UTC" };
    const league = await leagueWith(server, comm, [ann, bob], { draftOrder: "manual", rosterSize: 2, pickSeconds: 1, quietHours });
    const [a, c] = [await join(ann, league.id), await join(comm, league.id)];
    c.send("order.set", { teamIds: ["t1", "t2"] });
    c.send("start", {});
    await waitFor(() => heardOf(c, DraftServerMessage.QUIET).length === 1, "draft.quiet");
    assert.deepEqual([heardOf(c, DraftServerMessage.QUIET)[0].quiet, c.room.state.quiet, c.room.state.quietHours], [true, true, `${quietHours.start}-${quietHours.end} UTC`]);
    const frozen = c.room.state.remainingMs;
    assert.ok(frozen > 0, "time is left on the stopped clock");
    // Well past the 1 s pick clock: still nobody autopicked, the clock unchanged. A pick by hand still counts.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.deepEqual([c.room.state.picks.length, c.room.state.remainingMs, c.room.state.deadlineAt === 0 || c.room.state.quiet], [0, frozen, true]);
    a.send("pick", { pickId: "a1", playerId: "r1" });
    await waitFor(() => c.room.state.onClock === "t2", "Ann's pick counts");
    assert.equal(c.room.state.remainingMs, 1000, "the next clock waits, full");
  });
});

describe("draft room chat history bound", () => {
  const server = useTestServer({ rooms: (deps) => [draftRoom(deps, { chatHistory: 3, chatBurst: 10 })] });

  it("keeps only the newest lines, and a newcomer receives exactly those", async () => {
    const [comm, ann] = await Promise.all([player(server, "Comm"), player(server, "Ann")]);
    const league = await leagueWith(server, comm, [ann]);
    const a = await joinDraft(server, ann, league.id);
    try {
      for (let i = 1; i <= 5; i++) a.send("chat", { text: `m${i}` });
      await waitFor(() => a.room.state.chat.at(-1)?.text === "m5", "last line");
      assert.deepEqual(a.room.state.chat.map((l) => [l.seq, l.text]), [[3, "m3"], [4, "m4"], [5, "m5"]]);
      const c = await joinDraft(server, comm, league.id);
      await waitFor(() => c.room.state.chat.length === 3, "history");
      assert.deepEqual(c.room.state.chat.map((l) => l.text), ["m3", "m4", "m5"]);
      await leaveAll(c);
    } finally {
      await leaveAll(a);
    }
  });
});
