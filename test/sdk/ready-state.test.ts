import assert from "node:assert/strict";
import { createClient } from "../../client-sdk/index.ts";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";

describe("SDK: a join resolves with the room's state in hand", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it("game and team state are readable as soon as the join resolves", async () => {
    const client = createClient({ url: server.httpUrl });
    await client.auth.signInAsGuest("Eager");
    const game = await client.rooms.game.create({ teamSize: 1 });
    const team = await client.rooms.team.create({});
    try {
      assert.match(game.state!.matchId, /^m_/);
      assert.match(team.state!.code, /^[A-Z2-9]{4,8}$/);
    } finally {
      await Promise.all([game.leave(), team.leave()]);
    }
  });
});
