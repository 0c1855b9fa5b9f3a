import assert from "node:assert/strict";
import { Client, type Room } from "@colyseus/sdk";
import { matchMaker } from "@colyseus/core";
import { CloseCodes, TEAM_CODE_ALPHABET, TEAM_LIMITS, TeamRoomState, type TeamListingMetadata } from "../../shared/index.ts";
import { teamRoom } from "../../rooms/team-room.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { dropConnection } from "../helpers/game-helpers.ts";
import { connectPlayer, createTeam, formTeam, joinTeam, leaveAll, readyAll, type TeamPlayer } from "../helpers/team-helpers.ts";

describe("team room", () => {
  const open: TeamPlayer[] = [];
  const server = useTestServer();
  afterEach(async () => {
    await leaveAll(open.splice(0));
  });

  const track = (...players: TeamPlayer[]) => {
    open.push(...players);
    return players;
  };

  it("has a join code in its state and listing; others join with it through join(\"team\", {code}), in any case", async () => {
    const [captain] = track(await createTeam(server, "Ada", { name: "Rovers", size: 3 }));
    const code = await waitFor(() => captain!.room.state.code, "code");
    assert.match(code, new RegExp(`^[${TEAM_CODE_ALPHABET}]{4,8}$`));
    assert.equal(captain!.room.state.name, "Rovers");
    assert.equal(captain!.room.state.captain, captain!.room.sessionId);
    const [listing] = await matchMaker.query({ roomId: captain!.room.roomId });
    const metadata = listing!.metadata as TeamListingMetadata;
    assert.equal(metadata.code, code);
    assert.equal(metadata.access, "open");

    const [bo] = track(await joinTeam(server, "Bo", code.toLowerCase()));
    assert.equal(bo!.room.roomId, captain!.room.roomId);
    await waitFor(() => captain!.room.state.members.size === 2, "two members");
    const member = bo!.room.state.members.get(bo!.room.sessionId)!;
    assert.equal(member.name, "Bo");
    assert.equal(member.connected, true);
    assert.equal(member.ready, false);
  });

  it("a wrong code is NOT_FOUND, a malformed one VALIDATION_FAILED; a join without a code never lands in a private team", async () => {
    const { client } = await connectPlayer(server, "Lost");
    await assert.rejects(client.join("team", { code: "ZZZZZ" }, TeamRoomState), (error: Error & { code?: number }) => {
      assert.match(error.message, /^NOT_FOUND: No team has the code ZZZZZ$/);
      assert.equal(error.code, 521);
      return true;
    });
    await assert.rejects(client.join("team", { code: "no!" }, TeamRoomState), /VALIDATION_FAILED: Invalid team code/);
    await assert.rejects(client.join("team", { code: "OOOO" }, TeamRoomState), /VALIDATION_FAILED/, "O is not in the alphabet");

    const [secret] = track(await createTeam(server, "Cy", { private: true }));
    await waitFor(() => secret!.room.state.code, "code");
    // Without a code, join() only looks at public teams (other tests' teams may still be closing).
    const anyPublic = await client.join("team", {}, TeamRoomState).catch((error: Error) => error);
    if (anyPublic instanceof Error) assert.match(anyPublic.message, /no rooms found/);
    else {
      assert.notEqual(anyPublic.roomId, secret!.room.roomId);
      await anyPublic.leave();
    }
    await assert.rejects(client.joinById(secret!.room.roomId, {}, TeamRoomState), /FORBIDDEN: This team is private: join with its code/);
    const [viaCode] = track(await joinTeam(server, "Di", secret!.room.state.code));
    assert.equal(viaCode!.room.roomId, secret!.room.roomId);
    const [listing] = await matchMaker.query({ roomId: secret!.room.roomId });
    assert.equal(listing!.unlisted, true, "unlisted: the lobby never shows it");
  });

  it("refuses a full team, a second seat for the same player, and bad create options", async () => {
    const players = track(...(await formTeam(server, ["Ed", "Flo"])));
    const code = players[0]!.room.state.code;
    await assert.rejects(joinTeam(server, "Gus", code), /CONFLICT: The team is full/);
    const { client } = await connectPlayer(server, "Hal");
    await assert.rejects(client.create("team", { size: 9 }, TeamRoomState), /VALIDATION_FAILED: Invalid team room options: size/);
    await assert.rejects(client.create("team", { colour: "red" }, TeamRoomState), /VALIDATION_FAILED/);
    // The same token twice.
    const again = new Client(server.wsUrl);
    again.auth.token = players[0]!.client.auth.token!;
    players[0]!.send("setSize", { size: 3 });
    await waitFor(() => players[0]!.room.state.size === 3, "size 3");
    await assert.rejects(again.join("team", { code }, TeamRoomState), /CONFLICT: You are already in team "[^"]+" \(code [A-Z0-9]+\): reconnect to it/);
  });

  it("only the captain kicks, transfers, renames, resizes and queues (FORBIDDEN); a kick closes with 4105 and the kicked player cannot return", async () => {
    const [cap, mate, third] = track(...(await formTeam(server, ["Ivy", "Jo", "Kit"])));
    for (const [type, payload] of [
      ["kick", { sessionId: third!.room.sessionId }],
      ["transferCaptain", { sessionId: mate!.room.sessionId }],
      ["setName", { name: "Mine" }],
      ["setSize", { size: 4 }],
      ["queue", { mode: "3v3" }],
      ["leaveQueue", {}],
    ] as const) {
      mate!.send(type, payload as never);
      const error = await mate!.nextError();
      assert.equal(error.code, "FORBIDDEN", type);
      assert.equal(error.type, type);
    }
    cap!.send("kick", { sessionId: cap!.room.sessionId });
    assert.equal((await cap!.nextError()).code, "CONFLICT");
    cap!.send("kick", { sessionId: "nobody" });
    assert.equal((await cap!.nextError()).code, "NOT_FOUND");

    cap!.send("kick", { sessionId: third!.room.sessionId });
    assert.equal(await third!.left, CloseCodes.KICKED.code);
    await waitFor(() => cap!.room.state.members.size === 2, "kicked member gone");
    const back = new Client(server.wsUrl);
    back.auth.token = third!.client.auth.token!;
    await assert.rejects(back.join("team", { code: cap!.room.state.code }, TeamRoomState), /FORBIDDEN: You were removed from this team/);

    cap!.send("setName", { name: "  Wolves " });
    cap!.send("setSize", { size: 4 });
    await waitFor(() => mate!.room.state.name === "Wolves" && mate!.room.state.size === 4, "rename and resize");
    cap!.send("setSize", { size: 1 });
    assert.equal((await cap!.nextError()).code, "CONFLICT", "not below the member count");
    cap!.send("transferCaptain", { sessionId: mate!.room.sessionId });
    await waitFor(() => cap!.room.state.captain === mate!.room.sessionId, "captaincy transferred");
    cap!.send("setName", { name: "Nope" });
    assert.equal((await cap!.nextError()).code, "FORBIDDEN", "the old captain lost the rights");
  });

  it("a short drop keeps the captaincy and shows the member away; leaving for good hands it to the longest-present member", async () => {
    const [cap, second, third] = track(...(await formTeam(server, ["Lu", "Max", "Ned"])));
    cap!.room.reconnection.enabled = false;
    const reconnectionToken = cap!.room.reconnectionToken;
    const roomId = cap!.room.roomId;
    dropConnection(roomId, cap!.room.sessionId);
    const away = await waitFor(() => {
      const member = third!.room.state.members.get(cap!.room.sessionId);
      return member?.away ? member : undefined;
    }, "captain shown away");
    assert.equal(away.connected, false);
    assert.ok(away.awayUntil > Date.now());
    assert.equal(third!.room.state.captain, cap!.room.sessionId, "still captain while away");

    const back = await cap!.client.reconnect(reconnectionToken, TeamRoomState);
    open.push({ ...cap!, room: back });
    await waitFor(() => third!.room.state.members.get(back.sessionId)?.connected === true, "back");
    assert.equal(third!.room.state.members.get(back.sessionId)!.away, false);

    await back.leave();
    await waitFor(() => third!.room.state.captain === second!.room.sessionId, "hand-over to the longest-present member");
    assert.equal(third!.room.state.members.size, 2);
  });

  it("chat: lines reach everyone, bounded history for newcomers, length and rate limits", async () => {
    const [cap] = track(await createTeam(server, "Oz", { size: 3 }));
    const code = await waitFor(() => cap!.room.state.code, "code");
    cap!.send("chat", { text: "x".repeat(TEAM_LIMITS.maxChatLength + 1) });
    assert.equal((await cap!.nextError()).code, "VALIDATION_FAILED");
    cap!.send("chat", { text: "   " });
    assert.equal((await cap!.nextError()).code, "VALIDATION_FAILED");

    // Burst, then RATE_LIMITED (the connection stays open).
    for (let i = 0; i < TEAM_LIMITS.chatBurst + 1; i++) cap!.send("chat", { text: ` line ${i} ` });
    const limited = await cap!.nextError();
    assert.equal(limited.code, "RATE_LIMITED");
    await waitFor(() => cap!.room.state.chat.length === TEAM_LIMITS.chatBurst, "the burst landed");
    assert.equal(cap!.room.state.chat[0]!.text, "line 0", "trimmed");
    assert.equal(cap!.room.state.chat[0]!.name, "Oz");

    const [late] = track(await joinTeam(server, "Pia", code));
    await waitFor(() => late!.room.state.chat.length === TEAM_LIMITS.chatBurst, "history with the state");
    assert.deepEqual(late!.room.state.chat.map((line) => line.text), cap!.room.state.chat.map((line) => line.text), "history arrives with the state");
  });

  it("the lobby lists public teams with metadata, and drops them when they close", async () => {
    const lobbyClient = new Client(server.wsUrl);
    const lobby: Room = await lobbyClient.joinOrCreate("lobby");
    const listed = new Map<string, { name: string; metadata: TeamListingMetadata }>();
    lobby.onMessage("rooms", (rooms: { roomId: string; name: string; metadata: TeamListingMetadata }[]) => rooms.forEach((r) => listed.set(r.roomId, r)));
    lobby.onMessage("+", ([roomId, room]: [string, { name: string; metadata: TeamListingMetadata }]) => listed.set(roomId, room));
    lobby.onMessage("-", (roomId: string) => listed.delete(roomId));
    try {
      const [pub] = track(await createTeam(server, "Quin", { name: "Open Team" }));
      const [priv] = track(await createTeam(server, "Rae", { name: "Closed Team", private: true }));
      const entry = await waitFor(() => listed.get(pub!.room.roomId), "the public team listed");
      assert.equal(entry.name, "team");
      assert.equal(entry.metadata.name, "Open Team");
      assert.equal(entry.metadata.members, 1);
      await waitFor(() => listed.get(pub!.room.roomId)?.metadata.code === pub!.room.state.code, "code in the listing");
      assert.equal(listed.has(priv!.room.roomId), false);
      await pub!.room.leave();
      await waitFor(() => !listed.has(pub!.room.roomId), "gone from the lobby");
    } finally {
      await lobby.leave();
    }
  });

  it("the ready check gates queueing; the team size must fit the mode", async () => {
    const [cap, mate] = track(...(await formTeam(server, ["Sam", "Tia"])));
    cap!.send("queue", { mode: "2v2" });
    const notReady = await cap!.nextError();
    assert.equal(notReady.code, "CONFLICT");
    assert.match(notReady.message, /Not everyone is ready: Sam, Tia/);
    await readyAll([cap!, mate!]);
    cap!.send("queue", { mode: "1v1" });
    assert.match((await cap!.nextError()).message, /1v1 is for 1 player/);
    cap!.send("queue", { mode: "9v9" } as never);
    assert.equal((await cap!.nextError()).code, "VALIDATION_FAILED");
    cap!.send("queue", { mode: "2v2" });
    await waitFor(() => mate!.room.state.queue.status === "queued", "queued");
    assert.equal(mate!.room.state.queue.mode, "2v2");
    cap!.send("queue", { mode: "2v2" });
    assert.equal((await cap!.nextError()).code, "CONFLICT", "already queued");
  });
});

describe("team room chat history bound", () => {
  const server = useTestServer({ rooms: (deps) => [teamRoom(deps, { chatHistory: 3, chatBurst: 10 })] });

  it("keeps only the newest lines, and a newcomer receives exactly those", async () => {
    const cap = await createTeam(server, "Uma");
    try {
      const code = await waitFor(() => cap.room.state.code, "code");
      for (let i = 1; i <= 5; i++) cap.send("chat", { text: `m${i}` });
      await waitFor(() => cap.room.state.chat.at(-1)?.text === "m5", "last line");
      assert.deepEqual(cap.room.state.chat.map((l) => [l.seq, l.text]), [[3, "m3"], [4, "m4"], [5, "m5"]]);
      const late = await joinTeam(server, "Vic", code);
      await waitFor(() => late.room.state.chat.length === 3, "history");
      assert.deepEqual(late.room.state.chat.map((l) => l.text), ["m3", "m4", "m5"]);
      await late.room.leave();
    } finally {
      await cap.room.leave();
    }
  });
});
