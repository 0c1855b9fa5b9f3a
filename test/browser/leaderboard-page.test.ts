import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ensureSdkBuilt } from "../../scripts/build-sdk.ts";
import type { LeaderboardPage } from "../../shared/index.ts";
import { launchChromium } from "../helpers/browser.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { admin, recordResult } from "../helpers/watch-page.ts";
import { deleteKeys, REDIS_URL, uniquePrefix } from "../helpers/store-harness.ts";

/** The boards panel of the watch page (web/) in headless Chromium, against a real server with Redis. */
describe("the leaderboard page in a real browser (headless Chromium)", function () {
  this.timeout(60_000);
  const prefix = uniquePrefix("browser");
  const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, STREAM_HEARTBEAT_MS: "1000" };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  // Registered before the server's hooks: the browser closes first; the keys go after the server.
  before(async () => {
    await ensureSdkBuilt();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  const server = useTestServer({ env });
  before(async () => {
    context = await browser.newContext();
    page = await context.newPage();
  });
  after(() => deleteKeys(prefix));

  const ownerRow = (p: Page, playerId: string) => p.locator(`#rows tr[data-owner="${playerId}"]`);
  const text = async (p: Page, selector: string) => ((await p.locator(selector).textContent()) ?? "").trim();
  /** A fresh page with its own storage; `token` is a player session stored as a game on this origin would. */
  async function freshPage(options: { token?: string; reducedMotion?: "reduce" | "no-preference" } = {}): Promise<{ page: Page; close: () => Promise<void> }> {
    const ctx = await browser.newContext({ reducedMotion: options.reducedMotion ?? "no-preference" });
    if (options.token) await ctx.addInitScript((token) => localStorage.setItem("arena-lobby.token", token), options.token);
    const p = await ctx.newPage();
    return { page: p, close: () => ctx.close() };
  }

  it("shows a board live: a recorded match moves a row, marked ▲/▼ with the number of places, the changed rows flash", async () => {
    await page.goto(`${server.httpUrl}/leaderboards/goals`);
    await page.locator('#status[data-state="open"]').waitFor();
    assert.equal(await page.locator("#board").inputValue(), "goals");
    await recordResult(server, [
      { playerId: "p_browser00001", name: "Ada", side: "home", goals: 3 },
      { playerId: "p_browser00002", name: "Bo", side: "away", goals: 1 },
    ]);
    await ownerRow(page, "p_browser00001").waitFor();
    assert.equal(await text(page, '#rows tr[data-owner="p_browser00001"] td.rank'), "1");
    assert.equal(await text(page, '#rows tr[data-owner="p_browser00001"] td.score'), "3");
    assert.equal(await text(page, '#rows tr[data-owner="p_browser00002"] td.rank'), "2");

    await recordResult(server, [
      { playerId: "p_browser00002", name: "Bo", side: "home", goals: 4 },
      { playerId: "p_browser00003", name: "Cy", side: "away", goals: 0 },
    ]);
    // Bo now has 5 goals and overtakes Ada: the new rank shows, marked as moving up one place.
    await page.waitForFunction(() => document.querySelector('#rows tr[data-owner="p_browser00002"] td.rank')?.textContent === "1");
    const bo = ownerRow(page, "p_browser00002");
    assert.match((await bo.getAttribute("class")) ?? "", /\bup\b/);
    assert.match((await bo.getAttribute("class")) ?? "", /\bchanged\b/, "the row flashes");
    assert.equal(await text(page, '#rows tr[data-owner="p_browser00002"] td.move'), "▲1");
    assert.equal(await bo.locator("td.move").getAttribute("aria-label"), "up 1 place");
    assert.equal(await text(page, '#rows tr[data-owner="p_browser00001"] td.rank'), "2");
    assert.equal(await text(page, '#rows tr[data-owner="p_browser00001"] td.move'), "▼1");
    assert.match((await ownerRow(page, "p_browser00001").getAttribute("class")) ?? "", /\bdown\b/);
    // Screen readers hear one sentence, not the whole table again.
    assert.equal(await text(page, "#board-announce"), "Bo up 1 place to 1, Ada down 1 place to 2.");
  });

  it("the status pill says Live and the transport (stream), on the SDK's leaderboards entry", async () => {
    const { page: fresh, close } = await freshPage();
    const requested: string[] = [];
    fresh.on("request", (request) => requested.push(new URL(request.url()).pathname));
    await fresh.goto(`${server.httpUrl}/leaderboards/goals`);
    await fresh.locator('#status[data-state="open"][data-transport="sse"]').waitFor();
    assert.ok(requested.includes("/sdk/leaderboards.js"), requested.join(", "));
    assert.ok(requested.includes("/v1/leaderboards/goals/stream"), "the SDK streams the board");
    assert.equal(await text(fresh, "#status"), "Live · stream");
    await close();
  });

  it("with the stream blocked on the way (request interception), it falls back to polling, says so, and still moves", async () => {
    const { page: blocked, close } = await freshPage();
    await blocked.route("**/v1/leaderboards/*/stream*", (route) => route.abort("failed"));
    await blocked.goto(`${server.httpUrl}/leaderboards/goals`);
    await blocked.locator('#status[data-state="open"][data-transport="long-poll"]').waitFor({ timeout: 30_000 });
    assert.equal(await text(blocked, "#status"), "Live · polling");
    await recordResult(server, [{ playerId: "p_browser00005", name: "Ed", side: "home", goals: 1 }]);
    await ownerRow(blocked, "p_browser00005").waitFor({ timeout: 30_000 });
    await close();
  });

  it("`/` shows the first board the server lists (the list holds public boards only)", async () => {
    const listed = ((await (await fetch(`${server.httpUrl}/v1/leaderboards`)).json()) as { leaderboards: { id: string }[] }).leaderboards;
    const { page: fresh, close } = await freshPage();
    await fresh.goto(`${server.httpUrl}/`);
    await fresh.locator('#status[data-state="open"]').waitFor();
    assert.equal(await fresh.locator("#board").inputValue(), listed[0]!.id);
    const options = await fresh.locator("#board option:not([disabled])").evaluateAll((nodes) => nodes.map((n) => (n as HTMLOptionElement).value));
    assert.deepEqual(options, listed.map((b) => b.id));
    await close();
  });

  it("a weekly board says when it resets (from the page DTO's periodEndsAt); an all-time board says so", async () => {
    const { page: fresh, close } = await freshPage();
    await fresh.goto(`${server.httpUrl}/leaderboards/goals-weekly`);
    await fresh.locator("#period[data-period-end]:not([data-period-end=''])").waitFor();
    const dto = (await (await fetch(`${server.httpUrl}/v1/leaderboards/goals-weekly?limit=1`)).json()) as LeaderboardPage;
    assert.ok(dto.periodEndsAt, "the DTO tells the period end");
    assert.equal(await fresh.locator("#period").getAttribute("data-period-end"), dto.periodEndsAt);
    assert.match(await text(fresh, "#period"), /^Weekly · resets in (\d+ d( \d+ h)?|\d+ h( \d+ min)?|\d+ min|under a minute)$/);
    await fresh.locator("#board").selectOption("goals");
    await fresh.waitForFunction(() => document.getElementById("period")?.textContent === "All-time");
    await close();
  });

  it("equal names get a short id suffix; tied scores are marked with the tie rule", async () => {
    await admin(server, "POST", "/v1/admin/leaderboards", { id: "names-ties", title: "Names and ties" });
    await admin(server, "POST", "/v1/admin/leaderboards/names-ties/records", {
      records: [
        { ownerId: "p_twin0000aaaa", name: "Sam", score: 30 },
        { ownerId: "p_twin0000bbbb", name: "Sam", score: 20 },
        { ownerId: "p_solo00000001", name: "Lee", score: 20 },
      ],
    });
    const { page: fresh, close } = await freshPage();
    await fresh.goto(`${server.httpUrl}/leaderboards/names-ties`);
    await ownerRow(fresh, "p_solo00000001").waitFor();
    assert.equal(await text(fresh, '#rows tr[data-owner="p_twin0000aaaa"] .pid'), "#aaaa");
    assert.equal(await text(fresh, '#rows tr[data-owner="p_twin0000bbbb"] .pid'), "#bbbb");
    assert.equal(await fresh.locator('#rows tr[data-owner="p_solo00000001"] .pid').count(), 0, "a unique name has no suffix");
    // Sam (bbbb) and Lee share 20 points: both are marked; the first to get there ranks higher.
    const tied = await fresh.locator("#rows td.rank[data-tie]").evaluateAll((cells) => cells.map((c) => c.closest("tr")!.getAttribute("data-owner")));
    assert.deepEqual(tied, ["p_twin0000bbbb", "p_solo00000001"]);
    assert.equal(await text(fresh, "#ties"), "= Tied score: whoever reached it first ranks higher.");
    assert.ok(await fresh.locator("#ties").isVisible());
    await close();
  });

  it("pins the signed-in player's row below the top when they are not in it, and highlights it when they are", async () => {
    const me = await server.guestToken("Me");
    await admin(server, "POST", "/v1/admin/leaderboards", { id: "pinned", title: "Pinned" });
    const records = Array.from({ length: 24 }, (_, i) => ({ ownerId: `p_crowd${String(i).padStart(6, "0")}`, name: `Player ${i}`, score: 1000 - i }));
    await admin(server, "POST", "/v1/admin/leaderboards/pinned/records", { records: [...records, { ownerId: me.playerId, name: "Me", score: 5 }] });
    const { page: fresh, close } = await freshPage({ token: me.token });
    await fresh.goto(`${server.httpUrl}/leaderboards/pinned`);
    const pinned = fresh.locator(`#pinned tr[data-owner="${me.playerId}"]`);
    await pinned.waitFor();
    assert.equal(await fresh.locator("#rows tr[data-owner]").count(), 20, "the top 20");
    assert.equal(await text(fresh, `#pinned tr[data-owner="${me.playerId}"] td.rank`), "25");
    assert.match((await pinned.getAttribute("class")) ?? "", /\bme\b/);
    assert.equal(await text(fresh, `#pinned tr[data-owner="${me.playerId}"] .you`), "you");
    // Into the top: the row moves up into the table (still marked as mine) and the pin goes.
    await admin(server, "POST", "/v1/admin/leaderboards/pinned/records", { records: [{ ownerId: me.playerId, name: "Me", score: 2000 }] });
    await fresh.locator(`#rows tr.me[data-owner="${me.playerId}"]`).waitFor();
    assert.equal(await text(fresh, `#rows tr[data-owner="${me.playerId}"] td.rank`), "1");
    await fresh.waitForFunction(() => document.querySelectorAll("#pinned tr").length === 0);
    await close();
  });

  it("selecting a player shows their rank history as a sparkline, says where it comes from, and grows as ranks change", async () => {
    await recordResult(server, [{ playerId: "p_browser00009", name: "Ivy", side: "home", goals: 3 }]);
    const { page: fresh, close } = await freshPage();
    await fresh.goto(`${server.httpUrl}/leaderboards/goals-weekly`);
    await ownerRow(fresh, "p_browser00009").waitFor();
    await ownerRow(fresh, "p_browser00009").locator("button.who").click();
    const card = fresh.locator("#history .history-card");
    await card.waitFor();
    assert.match(new URL(fresh.url()).search, /player=p_browser00009/);
    assert.equal(await ownerRow(fresh, "p_browser00009").locator("button.who").getAttribute("aria-pressed"), "true");
    assert.match(await text(fresh, "#history"), /Ranks seen by this page since .*; the server keeps no rank history\./);
    await fresh.waitForFunction(() => /Last weekly period: (not ranked|finished #\d+)/.test(document.getElementById("history")?.textContent ?? ""));
    const before = await card.locator("svg.spark").getAttribute("aria-label");
    // Two new players overtake Ivy: her rank drops, and the sparkline gets a point.
    await recordResult(server, [
      { playerId: "p_browser00006", name: "Fi", side: "home", goals: 20 },
      { playerId: "p_browser00007", name: "Gu", side: "away", goals: 10 },
    ]);
    await fresh.waitForFunction((old) => document.querySelector("#history svg.spark")?.getAttribute("aria-label") !== old, before);
    const after = (await card.locator("svg.spark").getAttribute("aria-label")) ?? "";
    const ranks = after.replace("ranks seen: ", "").split(", ").map(Number);
    assert.ok(ranks.length >= 2 && ranks.at(-1)! > ranks.at(-2)!, `the rank went down: ${after}`);
    assert.ok(await card.locator("polyline.spark-line").count(), "a line is drawn");
    await card.locator("button.close").click();
    await fresh.waitForFunction(() => !document.querySelector("#history .history-card"));
    await close();
  });

  it("with reduced motion, a change still moves the row and marks it, without the flash", async () => {
    const { page: calm, close } = await freshPage({ reducedMotion: "reduce" });
    await calm.goto(`${server.httpUrl}/leaderboards/goals`);
    await ownerRow(calm, "p_browser00005").waitFor();
    await recordResult(server, [{ playerId: "p_browser00005", name: "Ed", side: "home", goals: 40 }]);
    await calm.waitForFunction(() => document.querySelector('#rows tr[data-owner="p_browser00005"] td.rank')?.textContent === "1");
    const row = ownerRow(calm, "p_browser00005");
    assert.match((await row.getAttribute("class")) ?? "", /\bup\b/);
    assert.doesNotMatch((await row.getAttribute("class")) ?? "", /\bchanged\b/);
    await close();
  });

  it("an unknown board (`/leaderboards/nope`) says so instead of showing another; an undecodable path (`%ff`) or an impossible id too, without reloading", async () => {
    for (const [path, shown] of [["/leaderboards/nope", "nope"], ["/leaderboards/%ff", "%ff"], ["/leaderboards/not%20an%20id", "not an id"]] as const) {
      const { page: fresh, close } = await freshPage();
      let navigations = 0;
      fresh.on("framenavigated", (frame) => {
        if (frame === fresh.mainFrame()) navigations++;
      });
      const errors: Error[] = [];
      fresh.on("pageerror", (error) => errors.push(error));
      await fresh.goto(`${server.httpUrl}${path}`);
      await fresh.locator('#status[data-state="closed"]').waitFor();
      assert.equal(await text(fresh, "#rows td.empty"), `There is no board “${shown}”. Pick one above.`);
      assert.equal(await text(fresh, "#title"), "No such board");
      assert.equal(await text(fresh, "#status"), "Offline");
      assert.equal(await fresh.locator("#board").inputValue(), "", "no other board is selected");
      assert.equal(await fresh.locator("tr[data-owner]").count(), 0, "no other board's rows");
      assert.deepEqual(errors, [], "no uncaught error");
      assert.equal(navigations, 1, "no reload");
      // Picking a board from the list still works.
      await fresh.locator("#board").selectOption("goals");
      await fresh.locator('#status[data-state="open"]').waitFor();
      assert.equal(new URL(fresh.url()).pathname, "/leaderboards/goals");
      await close();
    }
  });

  it("a board the server cannot serve (a proxy's 500 on the stream and the polls) says so and offers a retry that works", async () => {
    const { page: fresh, close } = await freshPage();
    const broken = (route: import("playwright-core").Route) => route.fulfill({ status: 500, contentType: "text/html", body: "<h1>Internal Server Error</h1>" });
    await fresh.route("**/v1/leaderboards/goals/stream*", broken);
    await fresh.route("**/v1/leaderboards/goals/changes*", broken);
    await fresh.goto(`${server.httpUrl}/leaderboards/goals`);
    await fresh.locator('#status[data-state="closed"]').waitFor({ timeout: 30_000 });
    assert.match(await text(fresh, "#rows td.empty"), /^This board cannot be shown: .+\. Try again$/);
    await fresh.unrouteAll();
    await fresh.locator("#rows button.retry").click();
    await fresh.locator('#status[data-state="open"]').waitFor();
    await recordResult(server, [{ playerId: "p_browser00008", name: "Hal", side: "home", goals: 1 }]);
    await ownerRow(fresh, "p_browser00008").waitFor();
    await close();
  });

  it("a league's board says it is for the league's members (no rows, no retry loop)", async () => {
    await admin(server, "POST", "/v1/admin/leaderboards", { id: "fantasy-secret", title: "Secret league", visibility: "league-members", metadata: { leagueId: "lg_secret01" } });
    const { page: fresh, close } = await freshPage();
    const streamed: string[] = [];
    fresh.on("request", (request) => request.url().includes("/fantasy-secret") && streamed.push(request.url()));
    await fresh.goto(`${server.httpUrl}/leaderboards/fantasy-secret`);
    await fresh.locator('#status[data-state="closed"]').waitFor();
    assert.equal(await text(fresh, "#rows td.empty"), "“fantasy-secret” is a league board: only the league's members can see it. Pick a public board above.");
    assert.equal(await fresh.locator("tr[data-owner]").count(), 0);
    assert.equal(await fresh.locator("#board option[value='fantasy-secret']").count(), 0, "not offered in the picker");
    const asked = streamed.length;
    await fresh.waitForTimeout(1500);
    assert.equal(streamed.length, asked, "it does not keep asking");
    await close();
  });

  it("recovers by itself when the server restarts, saying so meanwhile", async () => {
    const port = server.port;
    await server.close({ graceMs: 500 });
    await page.locator('#status:not([data-state="open"])').waitFor();
    assert.match(await text(page, "#status"), /^(Reconnecting…|Offline|Connecting…)$/);
    await page.waitForFunction(() => document.getElementById("matches")?.dataset.state !== "open");
    await server.start({ env: { ...env, PORT: String(port) } });
    await page.locator('#status[data-state="open"]').waitFor({ timeout: 30_000 });
    await recordResult(server, [{ playerId: "p_browser00004", name: "Di", side: "home", goals: 90 }]);
    await page.waitForFunction(() => document.querySelector('#rows tr[data-owner="p_browser00004"] td.rank')?.textContent === "1", undefined, { timeout: 15_000 });
    // The rows from before the restart are still there (Redis kept them), in order.
    const ranks = await page.locator("#rows tr").evaluateAll((rows) => rows.map((r) => `${r.querySelector(".rank")?.textContent}:${(r as HTMLElement).dataset.owner}`));
    assert.deepEqual(ranks.slice(0, 3), ["1:p_browser00004", "2:p_browser00005", "3:p_browser00006"]);
    // The results feed and the live list followed the restart too.
    await page.locator('#feed [data-match] a[data-player="p_browser00004"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.getElementById("matches")?.dataset.state === "open", undefined, { timeout: 30_000 });
  });
});
