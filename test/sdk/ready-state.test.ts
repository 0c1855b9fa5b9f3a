import assert from "node:assert/strict";
import { createClient } from "../../client-sdk/index.ts";
import { useTestServer } from "../helpers/test-server.ts";

describe("SDK: a join resolves with the room's state in hand", () => {
  const server = useTestServer();

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

  it("the joining player is in the state when the join resolves (no sleep): game players, team members; a spectator at once", async () => {
    const host = createClient({ url: server.httpUrl });
    const session = await host.auth.signInAsGuest("Host");
    // The game room projects its simulation into the state once per patch: its first full state does not hold the player yet.
    const game = await host.rooms.game.create({ teamSize: 2, private: true });
    const mate = createClient({ url: server.httpUrl });
    const mateSession = await mate.auth.signInAsGuest("Mate");
    const team = await host.rooms.team.create({ size: 2 });
    try {
      assert.equal(game.state!.players.get(game.sessionId!)?.playerId, session.player.playerId, "the host, at once");
      assert.equal(team.state!.members.get(team.sessionId!)?.playerId, session.player.playerId);
      const joined = await mate.rooms.game.joinById(game.roomId!);
      assert.equal(joined.state!.players.get(joined.sessionId!)?.name, "Mate", "a later player, at once");
      const mateTeam = await mate.rooms.team.joinByCode(team.state!.code);
      assert.equal(mateTeam.state!.members.get(mateTeam.sessionId!)?.playerId, mateSession.player.playerId);
      const viewer = await mate.rooms.game.joinById(game.roomId!, { spectate: true });
      assert.equal(viewer.state!.players.has(viewer.sessionId!), false, "a spectator holds no player seat, and did not wait for one");
      await Promise.all([joined.leave(), mateTeam.leave(), viewer.leave()]);
    } finally {
      await Promise.all([game.leave(), team.leave()]);
    }
  });
});
