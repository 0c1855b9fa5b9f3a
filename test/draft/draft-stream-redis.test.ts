import assert from "node:assert/strict";
import { Client } from "@colyseus/sdk";
import { DraftServerMessage, DraftState, type DraftPickMessage, type League, type LeagueStandings } from "../../shared/index.ts";
import { spawnServer, stopServer, type ServerProcess } from "../helpers/server-process.ts";
import { RawSseClient } from "../helpers/sse-client.ts";
import { TEST_ADMIN_KEY, TEST_TOKEN_SECRET } from "../helpers/test-server.ts";
import { deleteKeys, REDIS_URL, uniquePrefix } from "../helpers/store-harness.ts";
import { waitFor } from "../helpers/wait.ts";

/**
 * Redis mode, two processes: the draft room runs on A, the draft and
 * standings streams are served by B. Nothing but the store connects them.
 */
describe("league streams across processes (Redis): a draft on process A, streamed by process B", function () {
  this.timeout(90_000);
  const prefix = uniquePrefix("draftstream");
  let a: ServerProcess;
  let b: ServerProcess;
  const streams: RawSseClient[] = [];

  before(async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, TOKEN_SECRET: TEST_TOKEN_SECRET, ADMIN_KEY: TEST_ADMIN_KEY };
    [a, b] = await Promise.all([spawnServer("A", env), spawnServer("B", env)]);
  });
  after(async () => {
    for (const s of streams) s.destroy();
    await Promise.all([stopServer(a), stopServer(b)]);
    await deleteKeys(prefix);
  });

  const guest = async (server: ServerProcess, name: string) => {
    const response = await fetch(`${server.httpUrl}/v1/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
    const body = (await response.json()) as { token: string; player: { playerId: string } };
    return { token: body.token, playerId: body.player.playerId };
  };
  const call = async (server: ServerProcess, method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${server.httpUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await response.json()) as any;
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };

  it("B's draft stream shows A's picks and clock as they happen; B's standings stream shows every team", async () => {
    const comm = await guest(a, "Comm");
    const ann = await guest(b, "Ann");
    const players = Array.from({ length: 6 }, (_, i) => ({ playerId: `rp${i + 1}`, name: `Redis Player ${i + 1}` }));
    const created = (await call(a, "POST", "/v1/leagues", comm.token, { name: "Across", teamName: "Comm FC", teamCount: 2, rosterSize: 2, pickSeconds: 1, players })) as League;
    await call(b, "POST", "/v1/leagues/join", ann.token, { inviteCode: created.inviteCode, teamName: "Ann FC" });

    const draft = new RawSseClient(`${b.httpUrl}/v1/leagues/${created.id}/draft/stream?access_token=${ann.token}`);
    const standings = new RawSseClient(`${b.httpUrl}/v1/leagues/${created.id}/standings/stream?access_token=${ann.token}`);
    streams.push(draft, standings);
    await waitFor(() => draft.events.length > 0 && standings.events.length > 0, "both streams open on B");
    assert.equal(draft.events[0].event, "board");
    assert.deepEqual((standings.events[0].data as LeagueStandings).rows.map((r) => r.points), [0, 0]);

    const client = new Client(a.wsUrl);
    client.auth.token = comm.token;
    const room = await client.joinOrCreate("draft", { leagueId: created.id }, DraftState);
    for (const type of Object.values(DraftServerMessage)) room.onMessage(type, () => undefined);
    try {
      room.send("start", {});
      await waitFor(() => room.state.rostersSaved, "the draft on A to complete", 20_000);
      const roomPicks = [...room.state.picks].map((p) => `${p.number}:${p.teamId}:${p.playerId}`);
      await waitFor(() => draft.events.some((e) => e.event === "draft.complete"), "draft.complete on B's stream", 10_000);
      const picked = draft.events.filter((e) => e.event === "draft.picked").map((e) => e.data as DraftPickMessage);
      assert.deepEqual(picked.map((p) => `${p.number}:${p.teamId}:${p.playerId}`), roomPicks);
      assert.ok(draft.events.some((e) => e.event === "draft.clock"), "clock events cross too");
      const ids = draft.events.slice(1).map((e) => Number(e.id));
      assert.ok(ids.every((id, i) => i === 0 || id === ids[i - 1] + 1), `consecutive seqs: ${ids}`);

      // The standings board was made on A: B's stream attaches to it (every team still at zero).
      await waitFor(() => standings.events.length >= 2, "B's standings stream to attach to the new board", 10_000);
      assert.notEqual(standings.lastEventId, "none:0");
      const rows = (standings.events.at(-1)!.data as LeagueStandings).rows;
      assert.equal(rows.length, 2);
      assert.ok(rows.every((r) => r.points === 0));
    } finally {
      await room.leave().catch(() => undefined);
    }
  });
});
