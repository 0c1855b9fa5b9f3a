import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { matchMaker } from "@colyseus/core";
import type { Browser, Page } from "playwright-core";
import { buildSdk } from "../../scripts/build-sdk.ts";
import { launchChromium } from "../helpers/browser.ts";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The browser bundle in headless Chromium: a page imports the built
 * client-sdk.js as an ES module (no Node, no polyfills), signs in, joins the
 * game room over the browser's own fetch and WebSocket (cross-origin), and
 * recovers from a dropped socket.
 */
describe("sdk: the browser bundle in headless Chromium", function () {
  this.timeout(60_000);
  const outDir = join(root, "dist", `.sdk-browser-test-${process.pid}`);
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let pageServer: http.Server;
  let pageUrl: string;

  before(async () => {
    const built = await buildSdk({ browserOutfile: join(outDir, "client-sdk.js"), nodeOutfile: join(outDir, "node", "index.js") });
    server = await startTestServer();
    browser = await launchChromium();
    page = await browser.newPage();
    const bundle = readFileSync(built.browserOutfile);
    const html = `<!doctype html><meta charset="utf-8"><title>sdk</title>
<script type="module">
  import * as sdk from "/client-sdk.js";
  window.sdk = sdk;
  window.sdkLoaded = true;
</script>`;
    // A static server on loopback, like a game's own web host: the page talks to the API
    // cross-origin (CORS), and Chromium's local-network checks see loopback to loopback.
    pageServer = http.createServer((req, res) => {
      if (req.url === "/client-sdk.js") res.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
      else res.writeHead(200, { "content-type": "text/html" }).end(html);
    });
    await new Promise<void>((resolve) => pageServer.listen(0, "127.0.0.1", resolve));
    pageUrl = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`;
    page.on("pageerror", (error) => console.error("page error:", error));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    pageServer?.closeAllConnections();
    await new Promise((resolve) => (pageServer ? pageServer.close(resolve) : resolve(undefined)));
    rmSync(outDir, { recursive: true, force: true });
  });

  it("loads the bundle, signs in, joins the game room, syncs typed state, and reconnects after a drop", async () => {
    await page.goto(pageUrl);
    await page.waitForFunction(() => (window as any).sdkLoaded === true);
    const joined = await page.evaluate(async (apiUrl: string) => {
      const { createClient, GameState } = (window as any).sdk;
      const client = createClient({ url: apiUrl });
      const session = await client.auth.signInAsGuest("Browser");
      const game = await client.rooms.game.joinOrCreate({ teamSize: 1, private: true });
      const states: string[] = [];
      game.on("state", (change: any) => states.push(`${change.from}>${change.to}:${change.reason}`));
      (window as any).game = game;
      (window as any).states = states;
      game.send("ready", { ready: true });
      return { roomId: game.roomId, sessionId: game.sessionId, playerId: session.player.playerId, hasGameState: game.state instanceof GameState };
    }, server.httpUrl);
    assert.ok(joined.roomId && joined.sessionId);
    assert.equal(joined.hasGameState, true, "the state decodes into the shared GameState class");
    await page.waitForFunction(() => [...(window as any).game.state.players.values()].some((p: any) => p.ready && p.name === "Browser"));

    // Drop the browser's socket from the server side (as a network failure would).
    const room = matchMaker.getLocalRoomById(joined.roomId);
    const seated = await waitFor(() => {
      const client = room?.clients.find((c) => c.sessionId === joined.sessionId) as any;
      return client && client._enqueuedMessages === undefined ? client : undefined;
    }, "the server finished seating the browser");
    seated.ref.terminate();
    await page.waitForFunction(() => (window as any).states.includes("reconnecting>open:reconnected"));
    const after = await page.evaluate(() => ({ states: (window as any).states, sessionId: (window as any).game.sessionId }));
    assert.deepEqual(after.states, ["open>reconnecting:transport-lost", "reconnecting>open:reconnected"]);
    assert.equal(after.sessionId, joined.sessionId, "same seat after the reconnect");

    await page.evaluate(() => (window as any).game.leave());
    assert.equal(await page.evaluate(() => (window as any).game.status), "closed");
  });
});
