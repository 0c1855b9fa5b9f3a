import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { ensureSdkBuilt } from "../../scripts/build-sdk.ts";
import { launchChromium } from "../helpers/browser.ts";
import { TEST_ADMIN_KEY, useTestServer, type TestServer } from "../helpers/test-server.ts";
import { deleteKeys, makeResult, REDIS_URL, uniquePrefix } from "../helpers/store-harness.ts";

async function recordResult(server: TestServer, players: { playerId: string; name: string; side: "home" | "away"; goals: number }[]) {
  const result = makeResult({
    players: players.map((p) => ({ playerId: p.playerId, name: p.name, side: p.side, stats: { goals: p.goals, assists: 0, shots: p.goals, saves: 0, touches: 5 } })),
  });
  const response = await fetch(`${server.httpUrl}/v1/admin/match-results`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
    body: JSON.stringify(result),
  });
  assert.equal(response.status, 201, await response.text());
}

describe("the leaderboard page in a real browser (headless Chromium)", function () {
  this.timeout(60_000);
  const prefix = uniquePrefix("browser");
  const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, STREAM_HEARTBEAT_MS: "1000" };
  let browser: Browser;
  let page: Page;

  before(() => ensureSdkBuilt());
  after(() => browser?.close());
  const server = useTestServer({ env });
  before(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
  });
  after(() => deleteKeys(prefix));

  const ownerRow = (playerId: string) => page.locator(`tr[data-owner="${playerId}"]`);

  it("shows a board live: a recorded match moves it, with the rank highlighted", async () => {
    await page.goto(`${server.httpUrl}/leaderboards/goals`);
    await page.locator('#status[data-state="open"]').waitFor();
    assert.equal(await page.locator("#board").inputValue(), "goals");
    await recordResult(server, [
      { playerId: "p_browser00001", name: "Ada", side: "home", goals: 3 },
      { playerId: "p_browser00002", name: "Bo", side: "away", goals: 1 },
    ]);
    await ownerRow("p_browser00001").waitFor();
    assert.equal(await ownerRow("p_browser00001").locator("td.rank").textContent(), "1");
    assert.equal(await ownerRow("p_browser00001").locator("td.score").textContent(), "3");
    assert.equal(await ownerRow("p_browser00002").locator("td.rank").textContent(), "2");

    await recordResult(server, [
      { playerId: "p_browser00002", name: "Bo", side: "home", goals: 4 },
      { playerId: "p_browser00003", name: "Cy", side: "away", goals: 0 },
    ]);
    // Bo now has 5 goals and overtakes Ada: the new rank shows, marked as moving up.
    await page.waitForFunction(() => document.querySelector('tr[data-owner="p_browser00002"] td.rank')?.textContent === "1");
    assert.match((await ownerRow("p_browser00002").getAttribute("class")) ?? "", /\bup\b/);
    assert.equal(await ownerRow("p_browser00001").locator("td.rank").textContent(), "2");
  });

  it("is the SDK's leaderboards entry at work: it loads /sdk/leaderboards.js and shows the state and the transport", async () => {
    const fresh = await browser.newPage();
    const requested: string[] = [];
    fresh.on("request", (request) => requested.push(new URL(request.url()).pathname));
    await fresh.goto(`${server.httpUrl}/leaderboards/goals`);
    await fresh.locator('#status[data-state="open"][data-transport="sse"]').waitFor();
    assert.ok(requested.includes("/sdk/leaderboards.js"), requested.join(", "));
    assert.ok(requested.includes("/v1/leaderboards/goals/stream"), "the SDK streams the board");
    assert.match((await fresh.locator("#status").textContent()) ?? "", /live \(SSE\)/);
    await fresh.close();
  });

  it("`/` shows the first board the server lists (the list holds public boards only)", async () => {
    const listed = ((await (await fetch(`${server.httpUrl}/v1/leaderboards`)).json()) as { leaderboards: { id: string }[] }).leaderboards;
    const fresh = await browser.newPage();
    await fresh.goto(`${server.httpUrl}/`);
    await fresh.locator('#status[data-state="open"]').waitFor();
    assert.equal(await fresh.locator("#board").inputValue(), listed[0]!.id);
    await fresh.close();
  });

  it("an unknown board (`/leaderboards/nope`) says so instead of showing another; an undecodable path (`%ff`) too, without reloading", async () => {
    for (const [path, shown] of [["/leaderboards/nope", "nope"], ["/leaderboards/%ff", "%ff"]] as const) {
      const fresh = await browser.newPage();
      let navigations = 0;
      fresh.on("framenavigated", (frame) => {
        if (frame === fresh.mainFrame()) navigations++;
      });
      const errors: Error[] = [];
      fresh.on("pageerror", (error) => errors.push(error));
      await fresh.goto(`${server.httpUrl}${path}`);
      await fresh.locator('#status[data-state="closed"]').waitFor();
      assert.equal(await fresh.locator("#rows td.empty").textContent(), `There is no board “${shown}”. Pick one above.`);
      assert.equal(await fresh.locator("#title").textContent(), "No such board");
      assert.equal(await fresh.locator("#board").inputValue(), "", "no other board is selected");
      assert.equal(await fresh.locator("tr[data-owner]").count(), 0, "no other board's rows");
      assert.deepEqual(errors, [], "no uncaught error");
      assert.equal(navigations, 1, "no reload");
      // Picking a board from the list still works.
      await fresh.locator("#board").selectOption("goals");
      await fresh.locator('#status[data-state="open"]').waitFor();
      assert.equal(new URL(fresh.url()).pathname, "/leaderboards/goals");
      await fresh.close();
    }
  });

  it("recovers by itself when the server restarts", async () => {
    const port = server.port;
    await server.close({ graceMs: 500 });
    await page.locator('#status:not([data-state="open"])').waitFor();
    await server.start({ env: { ...env, PORT: String(port) } });
    await page.locator('#status[data-state="open"]').waitFor({ timeout: 30_000 });
    await recordResult(server, [{ playerId: "p_browser00004", name: "Di", side: "home", goals: 9 }]);
    await page.waitForFunction(() => document.querySelector('tr[data-owner="p_browser00004"] td.rank')?.textContent === "1", undefined, { timeout: 15_000 });
    // The rows from before the restart are still there (Redis kept them), in order.
    const ranks = await page.locator("#rows tr").evaluateAll((rows) => rows.map((r) => `${r.querySelector(".rank")?.textContent}:${(r as HTMLElement).dataset.owner}`));
    assert.deepEqual(ranks.slice(0, 3), ["1:p_browser00004", "2:p_browser00002", "3:p_browser00001"]);
  });
});
