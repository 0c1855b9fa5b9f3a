import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createClient, defineRoom, AuthError, HttpError, SdkError, type StateChange } from "../../client-sdk/index.ts";
import { resolveBackoff } from "../../client-sdk/backoff.ts";
import { ReconnectLoop, type RetryInfo, type Turn } from "../../client-sdk/reconnect-loop.ts";
import { projectRooms } from "../../rooms/index.ts";
import { ProbeMessages, ProbeState, probeRoom } from "../helpers/probe-room.ts";
import { startTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/** A loop driven by a scripted turn, with everything it reported. */
function scriptedLoop(script: (n: number) => Turn | Promise<Turn>, options: { maxRetries?: number; minMs?: number } = {}) {
  const states: StateChange[] = [];
  const retries: RetryInfo[] = [];
  let turns = 0;
  const loop = new ReconnectLoop({
    backoff: resolveBackoff({ minMs: options.minMs ?? 1, maxMs: Math.max(2, options.minMs ?? 1) }),
    maxRetries: options.maxRetries ?? Infinity,
    transport: () => "test",
    onRetry: (retry) => retries.push(retry),
  });
  loop.onChange((change) => states.push(change));
  return {
    loop,
    states,
    retries,
    get turns() {
      return turns;
    },
    start: () => loop.start(async () => script(++turns)),
  };
}

const moves = (states: StateChange[]) => states.map((s) => `${s.to}:${s.reason}`);

/** A scripted HTTP fake: request n is answered by script[n] (the last one repeats). */
async function fakeServer(script: ((req: http.IncomingMessage, res: http.ServerResponse) => void)[]) {
  const seen: { url: string; authorization?: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? "", authorization: req.headers.authorization });
    script[Math.min(seen.length - 1, script.length - 1)]!(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const sseHeaders = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };
const stateFrame = (seq: number) => `event: state\ndata: ${JSON.stringify({ matchId: "m_fake", seq, ts: 0, state: {} })}\n\n`;

describe("sdk: the transport core (one reconnect loop, one SSE transport)", function () {
  this.timeout(20_000);

  describe("the reconnect loop (scripted turns)", () => {
    it("retries a retryable failure with Retry-After as the floor; an open resets the count; maxRetries failures in a row close it", async () => {
      const busy = new HttpError(503, "DRAINING", "draining", { retryAfterMs: 50 });
      const t = scriptedLoop(
        (n) => {
          if (n === 2) t.loop.opened();
          return { next: "retry", error: busy };
        },
        { maxRetries: 2 },
      );
      t.start();
      await waitFor(() => t.loop.closed, "closed");
      // turn 1 fails, turn 2 opens then fails (the count starts over), turns 3 and 4 fail: 3 failures in a row > 2.
      assert.equal(t.turns, 4);
      assert.deepEqual(
        t.retries.map((r) => r.failures),
        [1, 1, 2],
      );
      assert.ok(t.retries.every((r) => r.delayMs >= 50), "never sooner than the server asked");
      assert.deepEqual(moves(t.states), ["connecting:connect", "reconnecting:connect-failed", "open:reconnected", "reconnecting:transport-lost", "closed:retries-exhausted"]);
      assert.equal(t.loop.error?.code, "RETRIES_EXHAUSTED");
      assert.ok(t.states.every((s) => s.transport === "test"), "every move names the transport");
    });

    it("an AuthError closes with `unauthorized`, a final error with `failed`; neither is retried", async () => {
      for (const [error, reason] of [
        [new AuthError("TOKEN_INVALID", "bad token"), "unauthorized"],
        [new SdkError("NOT_FOUND", "no such board"), "failed"],
      ] as const) {
        const t = scriptedLoop(() => ({ next: "retry", error }));
        t.start();
        await waitFor(() => t.loop.closed, "closed");
        assert.equal(t.turns, 1);
        assert.deepEqual(t.retries, []);
        assert.equal(t.states.at(-1)?.reason, reason);
        assert.equal(t.loop.error, error);
      }
    });

    it("a transport is stale once a newer one began or the loop closed (callbacks check it by id); close aborts it", () => {
      const { loop } = scriptedLoop(() => ({ next: "again" }));
      const first = loop.begin();
      const second = loop.begin();
      assert.equal(first.current, false);
      assert.equal(second.current, true);
      assert.ok(loop.isCurrent(second.id));
      const order: string[] = [];
      loop.onClose(() => order.push(`cleanup while ${loop.state}`));
      loop.onChange((change) => order.push(`state ${change.to}`));
      loop.close("client-close");
      assert.equal(second.current, false);
      assert.equal(second.signal.aborted, true);
      assert.deepEqual(order, ["cleanup while idle", "state closed"], "cleanups run before the closed event");
    });

    it("the platform's `online` event ends a backoff wait at once", async () => {
      const network = new EventTarget();
      const t = scriptedLoop((n) => (n === 1 ? { next: "retry", error: new SdkError("NETWORK_ERROR", "offline") } : { next: "close", reason: "client-close" }), { minMs: 60_000 });
      t.loop.watchNetwork(network);
      t.start();
      await waitFor(() => t.retries.length === 1, "the first retry");
      network.dispatchEvent(new Event("online"));
      await waitFor(() => t.loop.closed, "the second turn, long before the minute-long wait"); // fails after 5 s otherwise
      assert.equal(t.turns, 2);
    });
  });

  describe("spectating on the shared core (fake servers)", () => {
    it("the watchdog is heartbeatMs × watchdogFactor: a silent stream reconnects, and each retry is reported", async () => {
      const fake = await fakeServer([
        (_req, res) => {
          res.writeHead(200, sseHeaders);
          res.write(stateFrame(1)); // then silence
        },
        (_req, res) => {
          res.writeHead(200, sseHeaders);
          res.write(stateFrame(2));
        },
      ]);
      const client = createClient({ url: fake.url, backoff: { minMs: 10, maxMs: 20 } });
      const seqs: number[] = [];
      const spectator = client.matches.spectate("m_fake", (m) => m.event === "state" && seqs.push(m.data.seq), { heartbeatMs: 50, watchdogFactor: 4 });
      const retries: { error: SdkError }[] = [];
      spectator.on("retry", (retry) => retries.push(retry));
      try {
        await waitFor(() => seqs.includes(2), "the frame of the second connection");
        assert.equal(retries[0]?.error.code, "TIMEOUT");
        assert.match(retries[0]!.error.message, /no bytes for 200 ms/);
        assert.equal(spectator.state, "open");
      } finally {
        spectator.close();
        await fake.close();
      }
    });

    it("honours Retry-After as the floor of its backoff; a 401 refreshes the token once, a second one closes with AuthError", async () => {
      const answer = (status: number, code: string, headers: Record<string, string> = {}) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify({ error: { code, message: code } }));
      };
      const fake = await fakeServer([answer(503, "DRAINING", { "retry-after": "1" }), answer(401, "TOKEN_EXPIRED"), answer(401, "TOKEN_EXPIRED")]);
      let n = 0;
      const client = createClient({ url: fake.url, backoff: { minMs: 10, maxMs: 20 }, getToken: () => `t${++n}` });
      const spectator = client.matches.spectate("m_fake", () => undefined);
      const retries: { delayMs: number; error: SdkError }[] = [];
      spectator.on("retry", (retry) => retries.push(retry));
      try {
        await waitFor(() => spectator.state === "closed", "closed", 10_000);
        assert.deepEqual(
          retries.map((r) => [r.error.code, r.delayMs >= 1000]),
          [["DRAINING", true]],
        );
        assert.deepEqual(
          fake.seen.map((s) => s.authorization),
          ["Bearer t1", "Bearer t1", "Bearer t2"], // the client's token, again after the 503; one refresh after the 401
        );
        assert.ok(spectator.error instanceof AuthError);
      } finally {
        spectator.close();
        await fake.close();
      }
    });
  });

  it("a leaderboard long poll silent past pollWaitSeconds + pollSlackMs is dead: it is retried", async () => {
    const fake = await fakeServer([() => undefined]); // never answers
    const client = createClient({ url: fake.url, backoff: { minMs: 10, maxMs: 20 } });
    const sub = client.leaderboards.subscribe("fake", { transport: "long-poll", pollWaitSeconds: 0, pollSlackMs: 100 }, () => undefined);
    const errors: SdkError[] = [];
    sub.on("retry", (retry) => errors.push(retry.error));
    try {
      await waitFor(() => errors.length >= 1, "a retry after the poll's deadline"); // 10 s by default: fails after 5 s
      assert.equal(errors[0]!.code, "TIMEOUT");
    } finally {
      sub.close();
      await fake.close();
    }
  });

  it("leave() while a join waits for the state to show the player closes the connection and leaves the room", async () => {
    const server = await startTestServer({ rooms: (deps) => [...projectRooms(deps), probeRoom(deps)] });
    try {
      // A contract whose state never shows the player: the join waits joinedStateTimeoutMs for it.
      const waiting = defineRoom()({ name: "probe", state: ProbeState, messages: ProbeMessages, joined: () => false });
      const client = createClient({ url: server.httpUrl });
      await client.auth.signInAsGuest("Leaver");
      const connection = client.roomHandle(waiting).connect("joinOrCreate", {}, { joinedStateTimeoutMs: 60_000 });
      const left = new Promise<void>((resolve) => connection.onRoom((room) => room.onLeave(() => resolve())));
      connection.onRoom(() => void connection.leave());
      await connection.closed(); // before the fix: only after the minute, and the room stayed joined
      await left;
      assert.equal(connection.status, "closed");
      await assert.rejects(connection.ready(), (error: SdkError) => error.code === "NOT_CONNECTED");
    } finally {
      await server.close();
    }
  });
});
