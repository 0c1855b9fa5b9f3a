import assert from "node:assert/strict";
import { AuthError, createClient, type StateChange, type TokenRefreshEvent, type TokenRequest } from "../../client-sdk/index.ts";
import { projectRooms } from "../../rooms/index.ts";
import { newPlayerId } from "../../server/token-service.ts";
import { probeRoom } from "../helpers/probe-room.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { probeContract } from "../helpers/probe-contract.ts";

/**
 * Tokens live 3 s and rooms warn 2 s before expiry, so every test here
 * crosses at least one real expiry (rooms refresh tokens in-band, over the
 * WebSocket: docs/protocol.md).
 */
describe("sdk: room token refresh", function () {
  this.timeout(20_000);
  const server = useTestServer({
    rooms: (deps) => [...projectRooms(deps), probeRoom(deps)],
    env: { TOKEN_TTL_SECONDS: "3", AUTH_REFRESH_LEAD_SECONDS: "2" },
  });

  const nowSeconds = () => Date.now() / 1000;
  const backoff = { minMs: 20, maxMs: 200 };

  it("refreshes in-band (built-in session) and stays open past the original token's expiry", async () => {
    const client = createClient({ url: server.httpUrl, rooms: { probe: probeContract }, backoff });
    const session = await client.auth.signInAsGuest("Ada");
    const connection = await client.rooms.probe.joinOrCreate();
    const states: StateChange[] = [];
    connection.on("state", (change) => states.push(change));
    const refreshes: TokenRefreshEvent[] = [];
    connection.on("token", (event) => refreshes.push(event));
    try {
      await waitFor(() => nowSeconds() > session.expiresAt + 1 && refreshes.filter((r) => r.ok).length >= 2, "two refreshes and past the first expiry", 10_000);
      assert.deepEqual(states, [], "never left `open`");
      assert.ok(refreshes.every((r) => r.ok), JSON.stringify(refreshes));
      assert.ok(client.auth.expiresAt! > session.expiresAt, "the session moved on");
      assert.equal(client.auth.player?.playerId, session.player.playerId);
      connection.send("say", { text: "still here" });
      await waitFor(() => connection.state!.said === "still here", "the room still serves the client");
    } finally {
      await connection.leave();
    }
  });

  it("refreshes in-band with the app's getToken", async () => {
    const identity = { playerId: newPlayerId(), name: "Bo" };
    const asked: TokenRequest["reason"][] = [];
    const client = createClient({
      url: server.httpUrl,
      rooms: { probe: probeContract },
      backoff,
      getToken: async (request) => {
        asked.push(request.reason);
        return (await server.server.tokens.issue(identity)).token;
      },
    });
    const connection = await client.rooms.probe.joinOrCreate();
    const firstExpiry = client.auth.expiresAt!;
    const states: StateChange[] = [];
    connection.on("state", (change) => states.push(change));
    try {
      await waitFor(() => nowSeconds() > firstExpiry + 1 && asked.filter((r) => r === "expiring").length >= 2, "refreshed past the first expiry", 10_000);
      assert.deepEqual(states, []);
      assert.equal(asked[0], "connect");
      assert.ok(asked.slice(1).every((reason) => reason === "expiring"), asked.join());
      assert.equal(client.auth.player?.playerId, identity.playerId, "read from the JWT");
    } finally {
      await connection.leave();
    }
  });

  it("when the token expires without a refresh (4101), fetches a new one and joins again", async () => {
    const identity = { playerId: newPlayerId(), name: "Cy" };
    const first = await server.server.tokens.issue(identity);
    const asked: TokenRequest["reason"][] = [];
    const client = createClient({
      url: server.httpUrl,
      rooms: { probe: probeContract },
      backoff,
      getToken: async (request) => {
        asked.push(request.reason);
        // The provider cannot refresh early (say, it is offline) but can after expiry.
        if (request.reason === "connect" || request.reason === "expiring") return first.token;
        return (await server.server.tokens.issue(identity)).token;
      },
    });
    const connection = await client.rooms.probe.joinOrCreate();
    const states: StateChange[] = [];
    connection.on("state", (change) => states.push(change));
    try {
      await waitFor(() => states.length === 2, "expired and rejoined", 10_000);
      assert.equal(states[0]!.reason, "token-expired");
      assert.equal(states[0]!.closeCode, 4101);
      assert.equal(states[1]!.reason, "reconnected");
      assert.ok(asked.includes("expired"), asked.join());
      await waitFor(() => [...connection.state!.players.values()].includes("Cy"), "seated again");
    } finally {
      await connection.leave();
    }
  });

  it("closes for good with an AuthError when no new token can be had (4101, then the join is refused twice)", async () => {
    const only = await server.server.tokens.issue({ playerId: newPlayerId(), name: "Di" });
    const asked: TokenRequest["reason"][] = [];
    const client = createClient({
      url: server.httpUrl,
      rooms: { probe: probeContract },
      backoff,
      getToken: (request) => {
        asked.push(request.reason);
        return only.token; // a provider that never has anything newer
      },
    });
    const connection = await client.rooms.probe.joinOrCreate();
    const states: StateChange[] = [];
    connection.on("state", (change) => states.push(change));
    await connection.closed();
    assert.deepEqual(
      states.map((s) => `${s.from}>${s.to}:${s.reason}`),
      ["open>reconnecting:token-expired", "reconnecting>closed:unauthorized"],
    );
    assert.ok(connection.error instanceof AuthError);
    assert.equal(connection.error.code, "TOKEN_EXPIRED");
    assert.equal(connection.error.retryable, false);
    assert.equal(asked[0], "connect");
    assert.deepEqual(
      asked.filter((reason) => reason === "expired" || reason === "rejected"),
      ["expired", "rejected"],
      "one new-token request per refusal, no loop",
    );
  });
});
