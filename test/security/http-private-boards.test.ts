import assert from "node:assert/strict";
import { decodeConfig } from "../../store/common/leaderboard-records.ts";
import type { ErrorBody, League, LeaderboardListResponse } from "../../shared/index.ts";
import { leagueWith, player, type Player } from "../helpers/draft-helpers.ts";
import { RawSseClient } from "../helpers/sse-client.ts";
import { TEST_ADMIN_KEY, useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/**
 * A fantasy league's standings are its members' business: the board is
 * `league-members`, absent from `GET /v1/leaderboards`, and every read,
 * stream and change poll of it is 401 without a token and 403 for a player
 * outside the league; its commissioner, its managers and the admin key read it.
 */

describe("security: private (league-members) leaderboards", function () {
  this.timeout(30_000);
  let league: League;
  let boardId: string;
  let commissioner: Player;
  let manager: Player;
  let outsider: Player;

  const request = async (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => {
    const response = await fetch(`${server.httpUrl}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, body: json as any, text };
  };
  const asAdmin = { "x-admin-key": TEST_ADMIN_KEY };
  const bearer = (who: Player) => ({ authorization: `Bearer ${who.token}` });

  const server = useTestServer();
  before(async () => {
    [commissioner, manager, outsider] = await Promise.all(["Comm", "Mia", "Otto"].map((name) => player(server, name)));
    league = await leagueWith(server, commissioner, [manager], { teamName: "Comm FC" });
    boardId = league.standingsBoardId;
    // The draft's roster write creates the standings board; the admin API does the same.
    const assigned = await request("PUT", `/v1/admin/fantasy/leagues/${league.id}/rosters/p_someplayer01`, asAdmin, { fantasyTeamId: "t1", teamName: "Comm FC" });
    assert.equal(assigned.status, 201, assigned.text);
    const scored = await request("POST", `/v1/admin/leaderboards/${boardId}/records`, asAdmin, { records: [{ ownerId: "t1", name: "Comm FC", score: 12 }, { ownerId: "t2", name: "Mia FC", score: 7 }] });
    assert.equal(scored.status, 200, scored.text);
  });

  it("the standings board is league-members and not listed; the admin key lists it", async () => {
    const anonymous = (await request("GET", "/v1/leaderboards")).body as LeaderboardListResponse;
    assert.ok(anonymous.leaderboards.length > 0);
    assert.ok(anonymous.leaderboards.every((b) => b.visibility === "public"));
    assert.ok(!anonymous.leaderboards.some((b) => b.id === boardId), "a league's standings are not in the public list");
    const member = (await request("GET", "/v1/leaderboards", bearer(manager))).body as LeaderboardListResponse;
    assert.ok(!member.leaderboards.some((b) => b.id === boardId), "the public list is the same for everyone");
    const all = (await request("GET", "/v1/leaderboards", asAdmin)).body as LeaderboardListResponse;
    assert.equal(all.leaderboards.find((b) => b.id === boardId)?.visibility, "league-members");
  });

  it("table: every read, stream and change poll is 401 without a token, 403 outside the league, 200 for members and the admin key", async () => {
    const paths = [`/v1/leaderboards/${boardId}`, `/v1/leaderboards/${boardId}/players/t1`, `/v1/leaderboards/${boardId}/around/t1`, `/v1/leaderboards/${boardId}/changes?wait=0`];
    const callers: [string, Record<string, string>, number, string?][] = [
      ["no token", {}, 401, "UNAUTHORIZED"],
      ["a player outside the league", bearer(outsider), 403, "FORBIDDEN"],
      ["the commissioner", bearer(commissioner), 200],
      ["a manager", bearer(manager), 200],
      ["the admin key", asAdmin, 200],
    ];
    for (const path of paths) {
      for (const [who, headers, status, code] of callers) {
        const answer = await request("GET", path, headers);
        assert.equal(answer.status, status, `${who} → ${path}: ${answer.text}`);
        if (code) {
          assert.equal((answer.body as ErrorBody).error.code, code, `${who} → ${path}`);
          assert.match((answer.body as ErrorBody).error.message, /members of its league/);
        }
      }
    }
    // A member's token in the query (native EventSource) works for the poll too.
    assert.equal((await request("GET", `/v1/leaderboards/${boardId}/changes?wait=0&access_token=${manager.token}`)).status, 200);
    // HEAD asks the same question.
    assert.equal((await request("HEAD", `/v1/leaderboards/${boardId}/stream`)).status, 401);
    assert.equal((await request("HEAD", `/v1/leaderboards/${boardId}/stream`, bearer(outsider))).status, 403);
  });

  it("streams: refused to outsiders before anything is sent; a member's stream (header or ?access_token=) carries the table", async () => {
    for (const [headers, status] of [[{}, 401], [bearer(outsider), 403]] as const) {
      const refused = new RawSseClient(`${server.httpUrl}/v1/leaderboards/${boardId}/stream`, headers);
      try {
        await waitFor(() => refused.ended, "the refusal");
        assert.equal(refused.status, status);
        assert.deepEqual(refused.events, []);
      } finally {
        refused.destroy();
      }
    }
    const streams = [
      new RawSseClient(`${server.httpUrl}/v1/leaderboards/${boardId}/stream`, bearer(commissioner)),
      new RawSseClient(`${server.httpUrl}/v1/leaderboards/${boardId}/stream?access_token=${manager.token}`),
    ];
    try {
      for (const stream of streams) {
        await waitFor(() => stream.events.length > 0, "the member's snapshot");
        assert.deepEqual((stream.events[0]!.data as { rows: { ownerId: string }[] }).rows.map((r) => r.ownerId), ["t1", "t2"]);
      }
    } finally {
      for (const stream of streams) stream.destroy();
    }
  });

  it("admin: a league-members board must name its league; visibility can be changed", async () => {
    const unnamed = await request("POST", "/v1/admin/leaderboards", asAdmin, { id: `private-${Date.now().toString(36)}`, visibility: "league-members" });
    assert.equal(unnamed.status, 400, unnamed.text);
    assert.match((unnamed.body as ErrorBody).error.message, /metadata\.leagueId/);
    const id = `club-${Date.now().toString(36)}`;
    const created = await request("POST", "/v1/admin/leaderboards", asAdmin, { id, visibility: "league-members", metadata: { leagueId: league.id } });
    assert.equal(created.status, 201, created.text);
    assert.equal((await request("GET", `/v1/leaderboards/${id}`, bearer(outsider))).status, 403);
    assert.equal((await request("GET", `/v1/leaderboards/${id}`, bearer(manager))).status, 200);
    const opened = await request("PATCH", `/v1/admin/leaderboards/${id}`, asAdmin, { visibility: "public" });
    assert.equal(opened.status, 200, opened.text);
    assert.equal((await request("GET", `/v1/leaderboards/${id}`)).status, 200);
    assert.ok(((await request("GET", "/v1/leaderboards")).body as LeaderboardListResponse).leaderboards.some((b) => b.id === id));
  });

  it("boards stored before visibility existed: fantasy standings read as league-members, others as public", () => {
    const stored = { id: "x", title: "x", sort: "desc", operator: "incr", reset: null, revision: 1, createdAt: "t", updatedAt: "t" };
    assert.equal(decodeConfig(JSON.stringify({ ...stored, metadata: { kind: "fantasy-standings", leagueId: "lg_1" } })).visibility, "league-members");
    assert.equal(decodeConfig(JSON.stringify({ ...stored, metadata: {} })).visibility, "public");
  });
});
