import assert from "node:assert/strict";
import { fantasyPoints } from "../../shared/rules/scoring/fantasy-points.ts";
import { applyLeaderboardEvent, type LeaderboardStreamMessage, type LeaderboardTable, type MatchResult } from "../../shared/index.ts";
import { RawSseClient } from "../helpers/sse-client.ts";
import { TEST_ADMIN_KEY, useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { makeResult } from "../helpers/store-harness.ts";
import { joinDraft, leagueWith, leaveAll, player, seedRatings, type DraftSeat } from "../helpers/draft-helpers.ts";

/** A manager bot: when its team is on the clock, it picks the best-ranked available player. */
function runBot(seat: DraftSeat, teamId: string): void {
  let sentFor = "";
  let attempt = 0;
  seat.room.onStateChange((state) => {
    const key = `${state.currentPick}/${seat.undone.length}`;
    if (state.status !== "running" || state.onClock !== teamId || sentFor === key) return;
    const best = [...state.players.values()].filter((p) => p.draftedBy === "").sort((a, b) => a.rank - b.rank)[0];
    if (!best) return;
    sentFor = key;
    seat.send("pick", { pickId: `${teamId}-${++attempt}`, playerId: best.playerId });
  });
}

describe("end to end: a league of four drafts, matches are played, the standings stream moves by the scoring table", () => {
  const seats: DraftSeat[] = [];
  after(() => leaveAll(...seats));
  const server = useTestServer();

  it("drafts with a short clock (one manager never connects; the commissioner undoes and redoes a pick), then scores matches", async () => {
    await seedRatings(server, Array.from({ length: 10 }, (_, i) => ({ ownerId: `e${i + 1}`, name: `Player ${i + 1}`, score: 1800 - i * 7 })));
    const [comm, ann, bob, dan] = await Promise.all(["Comm", "Ann", "Bob", "Dan"].map((name) => player(server, name)));
    const league = await leagueWith(server, comm, [ann, bob, dan], { teamName: "Comm FC", teamCount: 4, rosterSize: 2, pickSeconds: 1 });
    const teamOf = (who: { playerId: string }) => league.teams.find((t) => t.managerId === who.playerId)!.teamId;

    const [c, a, b] = [await joinDraft(server, comm, league.id), await joinDraft(server, ann, league.id), await joinDraft(server, bob, league.id)];
    seats.push(c, a, b);
    for (const [seat, who] of [[c, comm], [a, ann], [b, bob]] as const) runBot(seat, teamOf(who));
    c.send("start", {});

    // After the third pick the commissioner pauses, undoes the last pick and redoes it on behalf of its team.
    await waitFor(() => c.room.state.picks.length >= 3, "three picks", 10_000);
    c.send("pause", {});
    await waitFor(() => c.room.state.status === "paused", "paused");
    const last = c.room.state.picks.at(-1)!;
    const [undoneNumber, undoneTeam, undonePlayer] = [last.number, last.teamId, last.playerId];
    c.send("undo", {});
    await waitFor(() => c.undone.length === 1 && c.room.state.picks.length === undoneNumber - 1, "undone");
    c.send("pick", { pickId: "redo", playerId: undonePlayer, teamId: undoneTeam });
    await waitFor(() => c.results.some((r) => r.pickId === "redo"), "redone");
    c.send("resume", {});

    await waitFor(() => c.room.state.rostersSaved, "the draft completes and saves its rosters", 15_000);
    const picks = [...c.room.state.picks];
    assert.equal(picks.length, 8);
    assert.equal(new Set(picks.map((p) => p.playerId)).size, 8, "no player drafted twice");
    assert.deepEqual(picks[undoneNumber - 1].playerId, undonePlayer, "the redone pick stands");
    const danPicks = picks.filter((p) => p.teamId === teamOf(dan));
    assert.equal(danPicks.length, 2);
    for (const pick of danPicks) {
      // Every pick of the absent manager is an autopick, except one the commissioner may have redone for them.
      assert.equal(pick.number === undoneNumber ? "commissioner" : `${pick.by}:${pick.source}`, pick.number === undoneNumber ? pick.by : "autopick:rankings");
    }
    assert.equal(c.room.state.teams.get(teamOf(dan))?.connected, false);

    // Matches: every drafted player plays; the standings stream must show each team's points by the table.
    // The standings are the league's own: a member's token opens them.
    const stream = new RawSseClient(`${server.httpUrl}/v1/leaderboards/${league.standingsBoardId}/stream`, { authorization: `Bearer ${ann.token}` });
    try {
      await waitFor(() => stream.events.length > 0, "the first snapshot");
      const drafted = picks.map((p) => p.playerId);
      const results: MatchResult[] = [0, 1, 2].map((m) =>
        makeResult({
          players: drafted.slice(0, 4).map((playerId, i) => ({
            playerId: drafted[(i + m * 2) % 8],
            name: `Player ${playerId}`,
            side: i < 2 ? ("home" as const) : ("away" as const),
            stats: { goals: (i + m) % 3, assists: i % 2, shots: 2 + m, saves: i === 3 ? 2 : 0, touches: 11 * (i + 1) },
          })),
        }),
      );
      for (const result of results) {
        const response = await fetch(`${server.httpUrl}/v1/admin/match-results`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
          body: JSON.stringify(result),
        });
        assert.equal(response.status, 201, await response.clone().text());
      }
      await server.server.stores.pipeline.settled();

      const owner = new Map(picks.map((p) => [p.playerId, p.teamId]));
      const expected = new Map<string, number>();
      for (const result of results) {
        for (const p of result.players) expected.set(owner.get(p.playerId)!, (expected.get(owner.get(p.playerId)!) ?? 0) + fantasyPoints(result, p).total);
      }
      const want = [...expected].map(([teamId, points]) => `${teamId}:${points}`).sort().join(",");
      let table: LeaderboardTable | undefined;
      await waitFor(() => {
        table = undefined;
        for (const event of stream.events) table = applyLeaderboardEvent(table, event as LeaderboardStreamMessage);
        return table?.rows.map((r) => `${r.ownerId}:${r.score}`).sort().join(",") === want;
      }, `standings ${want} on the stream`);
      const names = new Map(league.teams.map((t) => [t.teamId, t.name]));
      assert.ok(table!.rows.every((r) => r.name === names.get(r.ownerId)), "rows carry the team names");
      assert.ok(table!.rows.every((r, i) => i === 0 || table!.rows[i - 1].score >= r.score), "ranked by points");
    } finally {
      stream.destroy();
    }
  });
});
