import assert from "node:assert/strict";
import { HttpError, createClient, type DraftConnection, type LeagueStandings, type RoomMessageError, type StandingsSubscription } from "../../client-sdk/index.ts";
import { DraftServerMessage, type AuctionBidMessage, type AuctionNominatedMessage, type DraftCompleteMessage, type DraftPickMessage, type League, type MatchResult } from "../../shared/index.ts";
import { makeResult } from "./store-harness.ts";
import { TEST_ADMIN_KEY, type TestServer } from "./test-server.ts";
import { waitFor } from "./wait.ts";

/**
 * A whole fantasy season as its members live it, for the end-to-end tests:
 * every member is a project SDK client; matches are recorded through the
 * admin API; the standings are read through the SDK (stream and GET).
 */

export type Member = Awaited<ReturnType<typeof signedIn>>;

export async function signedIn(server: TestServer, name: string) {
  const client = createClient({ url: server.httpUrl, backoff: { minMs: 20, maxMs: 500 } });
  await client.auth.signInAsGuest(name);
  return client;
}

/** One member's draft connection and what it heard. */
export interface Seat {
  draft: DraftConnection;
  errors: RoomMessageError[];
  picked: DraftPickMessage[];
  complete: DraftCompleteMessage[];
  heard: string[];
  /** Auction drafts: every lot opened and every accepted bid. */
  nominated: AuctionNominatedMessage[];
  bids: AuctionBidMessage[];
  /** The reason of the next refusal after now. */
  nextRefusal(): Promise<string | undefined>;
}

export const reasonOf = (error: RoomMessageError) => (error.details as { reason?: string } | undefined)?.reason;

export async function joinSeat(who: Member, leagueId: string): Promise<Seat> {
  const draft = await who.rooms.draft.join(leagueId);
  const seat: Seat = {
    draft,
    errors: [],
    picked: [],
    complete: [],
    heard: [],
    nominated: [],
    bids: [],
    async nextRefusal() {
      const seen = seat.errors.length;
      return reasonOf(await waitFor(() => seat.errors[seen], "a refusal", 15_000));
    },
  };
  draft.on("error", (error) => seat.errors.push(error as RoomMessageError));
  draft.onMessage(DraftServerMessage.PICKED, (m) => seat.picked.push(m));
  draft.onMessage(DraftServerMessage.COMPLETE, (m) => seat.complete.push(m));
  draft.onMessage(DraftServerMessage.NOMINATED, (m) => seat.nominated.push(m));
  draft.onMessage(DraftServerMessage.BID, (m) => seat.bids.push(m));
  draft.onMessage(DraftServerMessage.ABSENT, (m) => seat.heard.push(`absent:${m.teamId}:${m.reason}`));
  draft.onMessage(DraftServerMessage.KEEPER, (m) => seat.heard.push(`keeper:${m.teamId}:${m.playerId}:${m.round}`));
  draft.onMessage(DraftServerMessage.TRADE, (m) => seat.heard.push(`trade:${m.id}:${m.status}`));
  return seat;
}

/** The rating board's players seeded by the tests: s1 (best) … sN. */
export function ratedPlayers(count: number) {
  return Array.from({ length: count }, (_, i) => ({ ownerId: `s${i + 1}`, name: `Star ${i + 1}`, score: 2000 - i * 10 }));
}

/**
 * Two matches between players of three of the four teams (`played`, each
 * with its first two roster players); the fourth team's players do not play.
 * The expected points are worked out by hand from the table in
 * docs/scoring.md ("Fantasy points"), not by the server's scoring code.
 */
export function seasonMatches(rosters: Map<string, string[]>, played: [string, string, string]): { results: MatchResult[]; expected: Map<string, number> } {
  const [x, y, z] = played.map((teamId) => rosters.get(teamId)!);
  const p = (playerId: string, side: "home" | "away", goals: number, assists: number, shots: number, saves: number, touches: number) => ({
    playerId,
    name: `Player ${playerId}`,
    side,
    stats: { goals, assists, shots, saves, touches },
  });
  // Match 1: home wins 2–1.
  //   x[0] home: 2 goals, 3 shots, 25 touches, win      = 1 + 20 + 3 + 2 + 5        = 31 (no clean sheet: home conceded one)
  //   y[0] home: 1 assist, 1 shot, 9 touches, win       = 1 + 6 + 1 + 0 + 5         = 13
  //   z[0] away: 1 goal, 2 shots, 4 saves, 30 touches   = 1 + 10 + 2 + 12 + 3 + 0   = 28 (loss, home scored)
  const match1 = makeResult({ players: [p(x[0], "home", 2, 0, 3, 0, 25), p(y[0], "home", 0, 1, 1, 0, 9), p(z[0], "away", 1, 0, 2, 4, 30)] });
  // Match 2: a 0–0 draw.
  //   x[1] home: 1 shot, 2 saves, 14 touches, draw, clean sheet = 1 + 1 + 6 + 1 + 2 + 4 = 15
  //   y[0] away: 5 touches, draw, clean sheet                   = 1 + 0 + 2 + 4         = 7
  const match2 = makeResult({ players: [p(x[1], "home", 0, 0, 1, 2, 14), p(y[0], "away", 0, 0, 0, 0, 5)] });
  const expected = new Map(played.map((teamId) => [teamId, 0]));
  expected.set(played[0], 31 + 15);
  expected.set(played[1], 13 + 7);
  expected.set(played[2], 28);
  return { results: [match1, match2], expected };
}

export async function recordMatch(server: TestServer, result: MatchResult): Promise<void> {
  const response = await fetch(`${server.httpUrl}/v1/admin/match-results`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
    body: JSON.stringify(result),
  });
  assert.equal(response.status, 201, await response.clone().text());
}

const pointsOf = (standings: LeagueStandings | undefined) =>
  standings ? standings.rows.map((r) => `${r.teamId}:${r.points}`).sort().join(",") : "(none)";

/**
 * The standings part of the season: the members' stream (opened through the
 * SDK before the draft, passed in as `live`) shows every team at zero, then, after the
 * matches, exactly the points the table gives; GET agrees; an outsider is
 * refused (403) on both.
 */
export async function playSeason(
  server: TestServer,
  league: League,
  live: StandingsSubscription,
  members: Member[],
  outsider: Member,
  rosters: Map<string, string[]>,
  played: [string, string, string],
): Promise<void> {
  const refused = outsider.leagues.subscribeStandings(league.id);
  try {
    const teamIds = league.teams.map((t) => t.teamId).sort();
    await waitFor(() => live.standings?.rows.length === teamIds.length, "the standings on the stream", 15_000);
    assert.equal(pointsOf(live.standings), teamIds.map((teamId) => `${teamId}:0`).join(","), "every team at zero before any match");

    const { results, expected } = seasonMatches(rosters, played);
    for (const teamId of teamIds) if (!expected.has(teamId)) expected.set(teamId, 0); // none of its players play
    for (const result of results) await recordMatch(server, result);
    const want = [...expected].map(([teamId, points]) => `${teamId}:${points}`).sort().join(",");
    await waitFor(() => pointsOf(live.standings) === want, `standings ${want} on the members' stream (seen: ${pointsOf(live.standings)})`, 20_000);

    const rows = live.standings!.rows;
    assert.deepEqual(rows.map((r) => r.rank), teamIds.map((_, i) => i + 1));
    assert.ok(rows.every((r, i) => i === 0 || rows[i - 1].points >= r.points), "best first");
    const names = new Map(league.teams.map((t) => [t.teamId, t.name]));
    assert.ok(rows.every((r) => r.name === names.get(r.teamId)), "rows carry the team names");

    for (const member of members) {
      const got = await member.leagues.standings(league.id);
      assert.equal(pointsOf(got), want, "GET standings agrees with the stream");
    }
    await assert.rejects(outsider.leagues.standings(league.id), (error: unknown) => error instanceof HttpError && error.status === 403 && error.code === "FORBIDDEN");
    await waitFor(() => refused.state === "closed", "the outsider's stream to close");
    assert.ok(refused.error instanceof HttpError && refused.error.status === 403, `the outsider's stream refused 403 (got ${String(refused.error)})`);
  } finally {
    refused.close();
  }
}
