import assert from "node:assert/strict";
import { fantasyPoints } from "../../shared/rules/scoring/fantasy-points.ts";
import type { LeagueStandings, MatchResult } from "../../shared/index.ts";
import { RawSseClient } from "../helpers/sse-client.ts";
import { TEST_ADMIN_KEY, useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { makeResult } from "../helpers/store-harness.ts";
import { draftControls, joinDraft, leagueWith, leaveAll, player, seedRatings, type DraftSeat } from "../helpers/draft-helpers.ts";

const standingsOf = (events: { event: string; data: any }[]) => events.filter((e) => e.event === "standings").map((e) => e.data as LeagueStandings);

describe("league standings: a row per team, for members, as JSON and as a stream", function () {
  this.timeout(30_000);
  const seats: DraftSeat[] = [];
  const streams: RawSseClient[] = [];
  after(async () => {
    for (const s of streams) s.destroy();
    await leaveAll(...seats);
  });
  const server = useTestServer();

  const get = (path: string, token?: string) => fetch(`${server.httpUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const record = async (result: MatchResult) => {
    const response = await fetch(`${server.httpUrl}/v1/admin/match-results`, { method: "POST", headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY }, body: JSON.stringify(result) });
    assert.equal(response.status, 201, await response.clone().text());
    await server.server.stores.pipeline.settled();
  };

  it("every team at zero before the draft, 401/403/404 as the other league routes; after a match the scoring table's points, teams that did not play included", async () => {
    await seedRatings(server, Array.from({ length: 6 }, (_, i) => ({ ownerId: `s${i + 1}`, name: `Standing ${i + 1}`, score: 1700 - i })));
    const [comm, ann, bob, eve] = await Promise.all(["Comm", "Ann", "Bob", "Eve"].map((name) => player(server, name)));
    const league = await leagueWith(server, comm, [ann, bob], { teamName: "Comm FC", teamCount: 3, rosterSize: 1, pickSeconds: 1 });
    const path = `/v1/leagues/${league.id}/standings`;

    // Members only, as GET /v1/leagues/:id.
    assert.equal((await get(path)).status, 401);
    const outsider = await get(path, eve.token);
    assert.equal(outsider.status, 403);
    assert.equal(((await outsider.json()) as any).error.code, "FORBIDDEN");
    assert.equal((await get("/v1/leagues/lg_0000000000000000/standings", ann.token)).status, 404);
    assert.equal((await get("/v1/leagues/nope/standings", ann.token)).status, 400);

    // Before the draft: every team, zero points, join order.
    const before = (await (await get(path, comm.token)).json()) as LeagueStandings;
    assert.deepEqual(
      before.rows.map((r) => [r.rank, r.teamId, r.name, r.managerId, r.points]),
      league.teams.map((t, i) => [i + 1, t.teamId, t.name, t.managerId, 0]),
    );
    assert.equal(before.boardId, league.standingsBoardId);

    // The stream: members only too; it opens with the same zero standings.
    for (const [headers, status] of [[{}, 401], [{ authorization: `Bearer ${eve.token}` }, 403]] as const) {
      const refused = new RawSseClient(`${server.httpUrl}${path}/stream`, headers);
      streams.push(refused);
      await waitFor(() => refused.ended && refused.status, `the stream refused with ${status}`);
      assert.equal(refused.status, status);
    }
    const stream = new RawSseClient(`${server.httpUrl}${path}/stream?access_token=${ann.token}`);
    streams.push(stream);
    await waitFor(() => standingsOf(stream.events).length === 1, "the first standings event");
    assert.equal(stream.events[0].id, "none:0");
    assert.deepEqual(standingsOf(stream.events)[0].rows.map((r) => [r.teamId, r.points]), league.teams.map((t) => [t.teamId, 0]));

    // The draft: the commissioner starts it; the clock autopicks for everyone.
    const c = await joinDraft(server, comm, league.id);
    seats.push(c);
    c.send("start", {});
    await waitFor(() => c.room.state.rostersSaved, "the draft to complete", 15_000);
    await draftControls(c.room.roomId).flushSnapshots();
    const picks = [...c.room.state.picks].map((p) => ({ playerId: p.playerId, teamId: p.teamId }));
    // The board now exists: the stream attached to it (still every team at zero).
    await waitFor(() => standingsOf(stream.events).length >= 2, "standings once the board exists", 10_000);
    assert.notEqual(stream.lastEventId, "none:0");
    assert.ok(standingsOf(stream.events).at(-1)!.rows.every((r) => r.points === 0));

    // A match where only the first pick's player plays: that team's points by the table; the others stay, at zero.
    const scorer = picks[0];
    const match = makeResult({ players: [{ playerId: scorer.playerId, name: "Scorer", side: "home", stats: { goals: 2, assists: 1, shots: 3, saves: 0, touches: 25 } }, { playerId: "nobody-owns", name: "Other", side: "away", stats: { goals: 0, assists: 0, shots: 0, saves: 1, touches: 4 } }] });
    await record(match);
    const points = fantasyPoints(match, match.players[0]).total;
    assert.ok(points > 0);
    const expected = [[scorer.teamId, points], ...league.teams.filter((t) => t.teamId !== scorer.teamId).map((t) => [t.teamId, 0])];
    const after = (await (await get(path, bob.token)).json()) as LeagueStandings;
    assert.deepEqual(after.rows.map((r) => [r.teamId, r.points]), expected, "the scorer's team first, then the teams without points in join order");
    assert.deepEqual(after.rows.map((r) => r.rank), [1, 2, 3]);
    await waitFor(() => JSON.stringify(standingsOf(stream.events).at(-1)!.rows.map((r) => [r.teamId, r.points])) === JSON.stringify(expected), "the stream's standings after the match");

    // Resume at the current id: nothing is repeated; the next change comes as the next event.
    const lastId = stream.lastEventId!;
    const resumed = new RawSseClient(`${server.httpUrl}${path}/stream`, { authorization: `Bearer ${ann.token}`, "last-event-id": lastId });
    streams.push(resumed);
    await waitFor(() => resumed.comments.length > 0, "the resumed stream to open");
    const second = picks.find((p) => p.teamId !== scorer.teamId)!;
    const next = makeResult({ players: [{ playerId: second.playerId, name: "Second", side: "home", stats: { goals: 0, assists: 0, shots: 1, saves: 0, touches: 10 } }] });
    await record(next);
    await waitFor(() => standingsOf(resumed.events).length > 0, "the resumed stream's next standings");
    assert.notEqual(resumed.events[0].id, lastId, "the standings the client had were not sent again");
    const secondPoints = fantasyPoints(next, next.players[0]).total;
    assert.equal(standingsOf(resumed.events)[0].rows.find((r) => r.teamId === second.teamId)?.points, secondPoints);

    // Resume with an id of no current version (here: from before the board existed): the current standings at once.
    const stale = new RawSseClient(`${server.httpUrl}${path}/stream`, { authorization: `Bearer ${bob.token}`, "last-event-id": "none:0" });
    streams.push(stale);
    await waitFor(() => standingsOf(stale.events).length > 0, "the current standings for a stale id");
    assert.equal(standingsOf(stale.events)[0].rows.find((r) => r.teamId === scorer.teamId)?.points, points);
    const bad = new RawSseClient(`${server.httpUrl}${path}/stream`, { authorization: `Bearer ${bob.token}`, "last-event-id": "not a cursor" });
    streams.push(bad);
    await waitFor(() => bad.ended && bad.status, "a bad cursor refused");
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body).error.code, "BAD_CURSOR");
  });
});
