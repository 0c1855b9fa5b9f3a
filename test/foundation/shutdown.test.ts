import assert from "node:assert/strict";
import http from "node:http";
import { Client } from "@colyseus/sdk";
import { projectRooms } from "../../rooms/index.ts";
import { CloseCodes, closeActionFor } from "../../shared/index.ts";
import { echoRoom, EchoState } from "../helpers/echo-room.ts";
import { spawnServer, stopServer } from "../helpers/server-process.ts";
import { startTestServer, TEST_ADMIN_KEY, TEST_TOKEN_SECRET } from "../helpers/test-server.ts";

describe("graceful shutdown", () => {
  it("flips /readyz to 503 first, answers in-flight requests, refuses new seats, then closes", async () => {
    const server = await startTestServer({ rooms: (deps) => [...projectRooms(deps), echoRoom(deps)] });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .get(`${server.httpUrl}${path}`, { agent }, (res) => {
            let body = "";
            res.on("data", (chunk) => (body += chunk));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          })
          .on("error", reject);
      });
    try {
      assert.equal((await get("/readyz")).status, 200);
      const closing = server.close({ drainDelayMs: 400, graceMs: 2000 });
      const readyz = await get("/readyz");
      assert.equal(readyz.status, 503);
      assert.equal(JSON.parse(readyz.body).status, "draining");
      // New seats are refused while draining, in the API's error shape.
      const mm = await fetch(`${server.httpUrl}/matchmake/joinOrCreate/echo`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      assert.equal(mm.status, 503);
      assert.equal(mm.headers.get("retry-after"), "2");
      assert.equal(((await mm.json()) as any).error.code, "DRAINING");
      await closing;
      await assert.rejects(fetch(`${server.httpUrl}/healthz`), "the listener is closed");
    } finally {
      agent.destroy();
    }
  });

  it("SIGTERM on the real process closes room clients with a rejoinable code and exits 0", async function () {
    this.timeout(20_000);
    const child = await spawnServer("main", { TOKEN_SECRET: TEST_TOKEN_SECRET, ADMIN_KEY: TEST_ADMIN_KEY, SHUTDOWN_GRACE_MS: "1000" });
    try {
      // The production room set has no rooms yet in the foundation; the process
      // still serves the API and drains on SIGTERM.
      assert.equal((await fetch(`${child.httpUrl}/healthz`)).status, 200);
      const started = Date.now();
      assert.equal(await stopServer(child, "SIGTERM"), 0);
      assert.ok(Date.now() - started < 10_000, "exited within the bounded drain time");
    } finally {
      await stopServer(child, "SIGKILL");
    }
  });

  it("in-process close disconnects room clients with a code the SDK treats as rejoin", async () => {
    const server = await startTestServer({ rooms: (deps) => [...projectRooms(deps), echoRoom(deps)] });
    const client = new Client(server.wsUrl);
    client.auth.token = (await server.guestToken()).token;
    const room = await client.joinOrCreate("echo", {}, EchoState);
    const left = new Promise<number>((resolve) => room.onLeave((code) => resolve(code)));
    await server.close({ graceMs: 1000 });
    const code = await left;
    assert.ok(code === CloseCodes.SERVER_SHUTDOWN.code || code === CloseCodes.DRAINING.code, `got ${code}`);
    assert.equal(closeActionFor(code), "rejoin");
  });
});


