import assert from "node:assert/strict";
import { HttpError, createClient, type DraftConnection, type DraftFeedEvent, type LeagueStandings } from "../../client-sdk/index.ts";
import { fantasyPoints } from "../../shared/rules/scoring/fantasy-points.ts";
import { TEST_ADMIN_KEY, useTestServer } from "../helpers/test-server.ts";
import { makeResult } from "../helpers/store-harness.ts";
import { waitFor } from "../helpers/wait.ts";

describe("sdk: client.leagues.standings, subscribeStandings and draftFeed", function () {
  this.timeout(30_000);
  const open: DraftConnection[] = [];
  const closers: { close(): void }[] = [];
  const server = useTestServer({ env: { STREAM_LIFETIME_MS: "1500" } });
  afterEach(async () => {
    for (const c of closers.splice(0)) c.close();
    await Promise.all(open.splice(0).map((connection) => connection.leave()));
  });

  async function signedIn(name: string) {
    const client = createClient({ url: server.httpUrl, backoff: { minMs: 20, maxMs: 200 } });
    await client.auth.signInAsGuest(name);
    return client;
  }
  const pool = ["q1", "q2", "q3", "q4"].map((playerId) => ({ playerId, name: `Player ${playerId}` }));

  it("a draft made through the SDK shows on draftFeed as it happens (board, picks, clock), across the server ending the stream; then typed standings, live", async () => {
    const ada = await signedIn("Ada");
    const bob = await signedIn("Bob");
    const cy = await signedIn("Cy");
    const league = await ada.leagues.create({ name: "SDK feed", teamCount: 2, rosterSize: 2, pickSeconds: 30, draftOrder: "manual", teamName: "Ada FC", players: pool });
    await bob.leagues.join(league.inviteCode, "Bob FC");

    // Not a member: the typed error, and the subscriptions close with it.
    await assert.rejects(cy.leagues.standings(league.id), (error: unknown) => error instanceof HttpError && error.code === "FORBIDDEN");
    const refused = cy.leagues.draftFeed(league.id);
    closers.push(refused);
    await waitFor(() => refused.state === "closed", "the outsider's feed to close");
    assert.ok(refused.error instanceof HttpError && refused.error.code === "FORBIDDEN");

    const zero = await bob.leagues.standings(league.id);
    assert.deepEqual(zero.rows.map((r) => [r.name, r.points]), [["Ada FC", 0], ["Bob FC", 0]]);

    const feed = bob.leagues.draftFeed(league.id);
    closers.push(feed);
    const events: DraftFeedEvent[] = [];
    let opens = 0;
    feed.on("event", (e) => events.push(e));
    feed.on("state", (change) => {
      if (change.to === "open") opens++;
    });
    await waitFor(() => feed.board, "the first board");
    assert.equal(feed.board!.status, "waiting");

    const adaDraft = await ada.rooms.draft.join(league.id);
    const bobDraft = await bob.rooms.draft.join(league.id);
    open.push(adaDraft, bobDraft);
    adaDraft.setOrder(["t1", "t2"]);
    adaDraft.startDraft();
    await waitFor(() => feed.board?.clock.teamId === "t1" && feed.board.status === "running", "Ada on the clock in the feed's board");
    await adaDraft.pick("q2");
    await waitFor(() => feed.board?.picks.length === 1 && feed.board.clock.teamId === "t2", "the first pick and Bob on the clock");
    // The server ends streams after STREAM_LIFETIME_MS: the feed reconnects with Last-Event-ID and misses nothing.
    const openedBefore = opens;
    await waitFor(() => opens > openedBefore, "the feed to reconnect after the server ended its stream");
    await bobDraft.pick("q1");
    await bobDraft.pick("q4");
    await adaDraft.pick("q3");
    await waitFor(() => feed.board?.status === "complete", "the feed's board complete", 10_000);
    assert.deepEqual(feed.board!.picks.map((p) => `${p.teamId}:${p.playerId}`), ["t1:q2", "t2:q1", "t2:q4", "t1:q3"]);
    const seqs = events.map((e) => e.seq);
    assert.ok(seqs.every((s, i) => i === 0 || s === seqs[i - 1] + 1), `no event twice, none missing: ${seqs}`);
    assert.ok(events.some((e) => e.type === "draft.clock"));
    assert.ok(events.some((e) => e.type === "draft.complete"));

    // Standings: typed rows, live.
    const live = ada.leagues.subscribeStandings(league.id);
    closers.push(live);
    const seen: LeagueStandings[] = [];
    live.on("standings", (s) => seen.push(s));
    await waitFor(() => live.standings?.rows.length === 2, "the first standings");
    const match = makeResult({ players: [{ playerId: "q4", name: "Q4", side: "home", stats: { goals: 1, assists: 0, shots: 2, saves: 0, touches: 12 } }] });
    const response = await fetch(`${server.httpUrl}/v1/admin/match-results`, { method: "POST", headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY }, body: JSON.stringify(match) });
    assert.equal(response.status, 201);
    const points = fantasyPoints(match, match.players[0]).total;
    await waitFor(() => live.standings?.rows[0].points === points, "Bob's points in the live standings");
    assert.deepEqual(live.standings!.rows.map((r) => [r.teamId, r.rank, r.points]), [["t2", 1, points], ["t1", 2, 0]]);
    assert.deepEqual((await ada.leagues.standings(league.id)).rows.map((r) => [r.teamId, r.points]), [["t2", points], ["t1", 0]]);
  });
});
