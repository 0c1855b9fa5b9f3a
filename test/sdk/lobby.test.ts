import assert from "node:assert/strict";
import { createClient, type LobbyChange, type LobbyConnection } from "../../client-sdk/index.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/** `client.lobby()`: the `lobby` room as a typed, live listing of public games and teams. */
describe("sdk: client.lobby()", function () {
  this.timeout(30_000);
  const lobbies: LobbyConnection[] = [];

  after(() => Promise.all(lobbies.map((lobby) => lobby.close())));
  const server = useTestServer();

  async function player(name: string) {
    const client = createClient({ url: server.httpUrl, network: null });
    await client.auth.signInAsGuest(name);
    return client;
  }

  it("lists public games and teams with typed metadata; add, change and remove follow the rooms; private teams never appear", async () => {
    const watcher = createClient({ url: server.httpUrl, network: null }); // no token needed
    const host = await player("Host");
    const game = await host.rooms.game.create({ teamSize: 2 });
    const lobby = await watcher.lobby();
    lobbies.push(lobby);
    const events: string[] = [];
    const record = (kind: string) => (change: LobbyChange) => events.push(`${kind}:${change.listing.name}:${change.listing.roomId}`);
    lobby.on("add", record("add"));
    lobby.on("change", record("change"));
    lobby.on("remove", record("remove"));

    const listed = lobby.games.get(game.roomId!);
    assert.ok(listed, "the game is in the first list");
    assert.equal(listed.metadata.teamSize, 2);
    assert.equal(listed.metadata.phase, "waiting");
    assert.equal(listed.metadata.players, 1);

    const captain = await player("Captain");
    const team = await captain.rooms.team.create({ name: "Listed", size: 3 });
    // One team room per player: the private team has a captain of its own.
    const hidden = await (await player("Hermit")).rooms.team.create({ name: "Hidden", size: 2, private: true });
    await waitFor(() => lobby.teams.get(team.roomId!)?.metadata.name === "Listed", "the public team appears");
    assert.equal(lobby.teams.get(team.roomId!)!.metadata.access, "open");
    assert.equal(lobby.teams.has(hidden.roomId!), false, "a private team is never listed");
    assert.ok(events.includes(`add:team:${team.roomId}`));

    const second = await player("Second");
    const joined = await second.rooms.game.joinById(game.roomId!);
    await waitFor(() => lobby.games.get(game.roomId!)?.metadata.players === 2, "the game's listing changes");
    assert.ok(events.includes(`change:game:${game.roomId}`));

    await team.leave();
    await waitFor(() => !lobby.teams.has(team.roomId!), "the team leaves the list when its room closes");
    assert.ok(events.includes(`remove:team:${team.roomId}`));
    await Promise.all([joined.leave(), game.leave(), hidden.leave()]);
  });

  it("filters: room kinds (also on the server) and typed predicates; setFilter emits the difference", async () => {
    const host = await player("Filterer");
    const small = await host.rooms.game.create({ teamSize: 1 });
    const big = await host.rooms.game.create({ teamSize: 3 });
    const team = await host.rooms.team.create({ name: "Not a game", size: 2 });
    const watcher = createClient({ url: server.httpUrl, network: null });
    const gamesOnly = await watcher.lobby({ rooms: ["game"], games: (g) => g.metadata.teamSize >= 2 });
    lobbies.push(gamesOnly);
    assert.deepEqual([...gamesOnly.games.keys()].filter((id) => id === small.roomId || id === big.roomId), [big.roomId]);
    assert.equal(gamesOnly.teams.size, 0, "no teams at all");

    const changes: string[] = [];
    gamesOnly.on("add", (c) => changes.push(`add:${c.listing.roomId}`));
    gamesOnly.on("remove", (c) => changes.push(`remove:${c.listing.roomId}`));
    gamesOnly.setFilter({ games: (g) => g.metadata.teamSize === 1 });
    assert.ok(changes.includes(`add:${small.roomId}`));
    assert.ok(changes.includes(`remove:${big.roomId}`));
    assert.ok(gamesOnly.games.has(small.roomId!) && !gamesOnly.games.has(big.roomId!));
    await Promise.all([small.leave(), big.leave(), team.leave()]);
  });
});
