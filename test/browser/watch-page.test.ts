import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { ensureSdkBuilt } from "../../scripts/build-sdk.ts";
import { launchChromium } from "../helpers/browser.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { countAnimationFrames, recordResult, shot, startBotMatch } from "../helpers/watch-page.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The watch page's live matches (the lobby, the canvas spectator), results feed and phone layout
 * in headless Chromium, against a real server (embedded mode) with bots playing through the SDK.
 */
describe("the watch page: live matches, the spectator and the results feed (headless Chromium)", function () {
  this.timeout(60_000);
  let browser: Browser;
  // Registered before the server's hooks: the browser starts first and closes first.
  before(async () => {
    await ensureSdkBuilt();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  const server = useTestServer({ env: { STREAM_HEARTBEAT_MS: "1000" } });

  async function open(path: string, options: BrowserContextOptions & { before?: (page: Page) => Promise<unknown> } = {}) {
    const { before: prepare, ...contextOptions } = options;
    const context = await browser.newContext({ reducedMotion: "no-preference", ...contextOptions });
    const page = await context.newPage();
    const errors: Error[] = [];
    page.on("pageerror", (error) => errors.push(error));
    await prepare?.(page);
    await page.goto(`${server.httpUrl}${path}`);
    return { page, errors, close: () => context.close() };
  }
  const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? "").trim();

  it("a running bot match appears in the live list; opening it draws the match on the canvas, with clock and score, then the result", async () => {
    const { page, errors, close } = await open("/");
    await page.locator("#live-note", { hasText: "No games right now" }).waitFor();
    const match = await startBotMatch(server, { matchSeconds: 4, teams: { home: { name: "Reds" }, away: { name: "Blues" } } });
    try {
      const entry = page.locator(`#matches a.match[data-match="${match.matchId}"]`);
      await page.locator(`#matches a.match[data-match="${match.matchId}"][data-phase="playing"]`).waitFor();
      assert.equal(await text(page, `#matches a[data-match="${match.matchId}"] .team.home`), "Reds");
      assert.equal(await text(page, `#matches a[data-match="${match.matchId}"] .team.away`), "Blues");
      assert.match(await text(page, `#matches a[data-match="${match.matchId}"] .score`), /^\d+–\d+$/);

      await entry.click();
      assert.equal(new URL(page.url()).pathname, `/matches/${match.matchId}`);
      await page.locator('#watch[data-phase="playing"]').waitFor();
      assert.equal(await text(page, "#watch-home"), "Reds");
      assert.equal(await text(page, "#watch-away"), "Blues");
      assert.match(await text(page, "#watch-clock"), /^\d:\d\d$/);
      // The canvas draws new frames: two pictures a little apart differ.
      const first = await shot(page, "#pitch");
      await page.waitForTimeout(400);
      const second = await shot(page, "#pitch");
      assert.ok(first.length > 1000, "a picture, not an empty canvas");
      assert.notDeepEqual(first, second, "the picture changed between two screenshots");

      // The end: the result replaces the live view, and lands in the feed with links to the players' rows.
      await page.locator("#watch-result .result").waitFor({ timeout: 20_000 });
      assert.equal(await text(page, "#watch-phase"), "Full time");
      const feedEntry = page.locator(`#feed article[data-match="${match.matchId}"]`);
      await feedEntry.waitFor({ timeout: 15_000 });
      assert.equal(await feedEntry.locator("a[data-player]").count(), 2);
      assert.deepEqual(errors, []);
    } finally {
      await match.stop();
      await close();
    }
  });

  it("with reduced motion the spectator draws each frame as it comes, with no animation loop", async () => {
    const match = await startBotMatch(server, { matchSeconds: 10 });
    const { page, close } = await open(`/matches/${match.matchId}`, { reducedMotion: "reduce", before: countAnimationFrames });
    try {
      await page.locator('#watch[data-phase="playing"]').waitFor();
      const first = await shot(page, "#pitch");
      // Frames come at 5 Hz; a busy machine may delay one, so look again for a few seconds.
      let changed = false;
      for (let i = 0; i < 20 && !changed; i++) {
        await page.waitForTimeout(300);
        changed = !(await shot(page, "#pitch")).equals(first);
      }
      assert.ok(changed, "new frames are drawn");
      assert.equal(await page.evaluate(() => (window as any).rafCalls), 0, "no requestAnimationFrame loop");
    } finally {
      await match.stop();
      await close();
    }
    // Without the preference the view is animated (interpolated) every animation frame.
    const again = await startBotMatch(server, { matchSeconds: 4 });
    const animated = await open(`/matches/${again.matchId}`, { before: countAnimationFrames });
    try {
      await animated.page.locator('#watch[data-phase="playing"]').waitFor();
      await animated.page.waitForFunction(() => (window as any).rafCalls > 10);
    } finally {
      await again.stop();
      await animated.close();
    }
  });

  it("a recorded result lands at the top of the feed, newest first; a player's link opens their board row", async () => {
    const { page, close } = await open("/leaderboards/goals");
    await page.locator('#feed[data-state="open"]').waitFor({ state: "attached" });
    const older = await recordResult(server, [
      { playerId: "p_feed0000001", name: "Ida", side: "home", goals: 2 },
      { playerId: "p_feed0000002", name: "Jo", side: "away", goals: 1 },
    ]);
    const newer = await recordResult(server, [
      { playerId: "p_feed0000003", name: "Kit", side: "home", goals: 0 },
      { playerId: "p_feed0000002", name: "Jo", side: "away", goals: 7 },
    ]);
    await page.locator(`#feed article[data-match="${newer.matchId}"]`).waitFor();
    const order = await page.locator("#feed article[data-match]").evaluateAll((items) => items.map((i) => i.getAttribute("data-match")));
    // Newest first. (A bot match of an earlier test may end meanwhile and land above them: that is newer still.)
    assert.deepEqual(order.filter((id) => id === newer.matchId || id === older.matchId), [newer.matchId, older.matchId], "newest first");
    const card = page.locator(`#feed article[data-match="${newer.matchId}"]`);
    assert.match(await text(page, `#feed article[data-match="${newer.matchId}"] .teams`), /^Home\s*0–7\s*Away$/);
    const link = card.locator('a[data-player="p_feed0000002"]');
    assert.equal(await link.getAttribute("href"), "/leaderboards/goals?player=p_feed0000002");
    await link.click();
    await page.locator('#rows tr.selected[data-owner="p_feed0000002"]').waitFor();
    await page.locator("#history .history-card").waitFor();
    assert.equal(new URL(page.url()).search, "?player=p_feed0000002");
    // Another board: the links follow it.
    await page.locator("#board").selectOption("wins");
    await page.waitForFunction(() => document.querySelector('#feed a[data-player="p_feed0000002"]')?.getAttribute("href")?.startsWith("/leaderboards/wins?"));
    await close();
  });

  it("signs in as a guest once per browser: a reload reuses the stored token", async () => {
    const context = await browser.newContext();
    const signIns: string[] = [];
    context.on("request", (request) => request.url().endsWith("/v1/auth/guest") && signIns.push(request.method()));
    const page = await context.newPage();
    await page.goto(`${server.httpUrl}/`);
    await page.locator('#feed[data-state="open"]').waitFor({ state: "attached" });
    await page.locator("#matches[data-state='open']").waitFor({ state: "attached" });
    await page.reload();
    await page.locator('#feed[data-state="open"]').waitFor({ state: "attached" });
    await page.locator("#matches[data-state='open']").waitFor({ state: "attached" });
    assert.deepEqual(signIns, ["POST"], "one guest sign-in");
    await context.close();
  });

  it("with guest sign-ins refused (429), boards and the live list still work (no token needed); the feed says why it waits", async () => {
    const { page, close } = await open("/", {
      before: (p) =>
        p.route("**/v1/auth/guest", (route) =>
          route.fulfill({ status: 429, headers: { "retry-after": "30" }, contentType: "application/json", body: '{"error":{"code":"RATE_LIMITED","message":"Too many guest sign-ins"}}' }),
        ),
    });
    await page.locator('#status[data-state="open"]').waitFor();
    await page.locator("#matches[data-state='open']").waitFor({ state: "attached" });
    await page.locator("#results-note", { hasText: "Waiting to sign in as a guest viewer (too many guest sign-ins from this address)" }).waitFor();
    await close();
  });

  it("an unknown or malformed match id says so, without a blank view or a reload", async () => {
    for (const [path, id] of [["/matches/m_doesnotexist1", "m_doesnotexist1"], ["/matches/%ff", "%ff"], ["/matches/nope", "nope"]] as const) {
      const { page, errors, close } = await open(path);
      let navigations = 0;
      page.on("framenavigated", (frame) => frame === page.mainFrame() && navigations++);
      await page.locator('#watch[data-phase="missing"]').waitFor();
      assert.equal(await text(page, "#watch-note"), `No match “${id}” is running or recorded here. Pick a live game below.`);
      await page.locator('#status[data-state="open"]').waitFor(); // the rest of the page works
      assert.equal(navigations, 0, "no reload");
      assert.deepEqual(errors, []);
      await close();
    }
  });

  it("a blocked spectate stream is explained, and the result still shows (long polling) when the match ends", async () => {
    const match = await startBotMatch(server, { matchSeconds: 7 });
    const { page, close } = await open(`/matches/${match.matchId}`, {
      before: async (p) => {
        await p.route("**/v1/matches/*/spectate", (route) => route.abort("failed"));
        // Every text the note shows, in order: on a loaded machine the match may be over by the
        // time the page calls the stream blocked (4 s down), and the result then replaces the
        // blocked note at once, too fast for a locator to see it.
        await p.addInitScript(() => {
          const seen: string[] = ((window as unknown as { watchNotes: string[] }).watchNotes = []);
          new MutationObserver(() => {
            const text = document.getElementById("watch-note")?.textContent ?? "";
            if (text && seen.at(-1) !== text) seen.push(text);
          }).observe(document, { subtree: true, childList: true, characterData: true });
        });
      },
    });
    try {
      await page.locator("#watch-result .result").waitFor({ timeout: 30_000 });
      const notes: string[] = await page.evaluate(() => (window as unknown as { watchNotes: string[] }).watchNotes);
      const blocked = notes.findIndex((t) => t.startsWith("The live view cannot reach this match's stream"));
      assert.ok(blocked >= 0, `the page called the stream blocked (notes: ${JSON.stringify(notes)})`);
      assert.ok(notes.slice(blocked + 1).some((t) => t.includes("over")), `then said the match is over (notes: ${JSON.stringify(notes)})`);
      assert.equal(await text(page, "#watch-phase"), "Full time");
      assert.match(await text(page, "#watch-score"), /^\d+–\d+$/);
    } finally {
      await match.stop();
      await close();
    }
  });

  describe("at phone width (375 px)", () => {
    for (const [what, path] of [["the boards, live list and feed", "/leaderboards/goals"], ["the spectator", "/matches/"]] as const) {
      it(`${what}: no horizontal scroll, keyboard reachable`, async () => {
        await recordResult(server, [{ playerId: "p_phone000001", name: "A rather long player name for a phone screen", side: "home", goals: 1 }]);
        const match = path === "/matches/" ? await startBotMatch(server, { matchSeconds: 3 }) : undefined;
        const { page, close } = await open(match ? `${path}${match.matchId}` : path, { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
        try {
          await page.locator('#status[data-state="open"]').waitFor();
          await page.locator("#rows tr[data-owner]").first().waitFor();
          await page.locator("#feed article").first().waitFor();
          if (match) await page.locator('#watch[data-phase="playing"], #watch[data-phase="finished"]').first().waitFor();
          const width = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, inner: window.innerWidth }));
          assert.equal(width.inner, 375);
          assert.ok(width.scroll <= 375, `no horizontal scroll (content ${width.scroll} px wide)`);
          const outDir = join(root, "dist", "test-artifacts");
          mkdirSync(outDir, { recursive: true });
          const png = await page.screenshot({ path: join(outDir, `watch-375${match ? "-match" : ""}.png`), fullPage: true });
          assert.equal(png.readUInt32BE(16), 375 * 2, "a 375 px wide screenshot (at 2x)");
          // Keyboard: Tab reaches the board picker and a player's row button, with a visible focus ring.
          const reached: string[] = [];
          for (let i = 0; i < 40 && !reached.includes("who"); i++) {
            await page.keyboard.press("Tab");
            reached.push(await page.evaluate(() => (document.activeElement?.id || document.activeElement?.className || document.activeElement?.tagName) ?? ""));
          }
          assert.ok(reached.includes("board"), `the picker is reachable: ${reached.join(" ")}`);
          assert.ok(reached.includes("who"), `a row button is reachable: ${reached.join(" ")}`);
          const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
          assert.notEqual(outline, "none", "the focused element shows a focus ring");
          await page.keyboard.press("Enter");
          await page.locator("#history .history-card").waitFor();
        } finally {
          await match?.stop();
          await close();
        }
      });
    }
  });

  it("says so when its scripts cannot load (the SDK answering 503), instead of an endless Loading…", async () => {
    const { page, close } = await open("/", {
      before: (p) => p.route("**/sdk/leaderboards.js", (route) => route.fulfill({ status: 503, contentType: "application/json", body: '{"error":{"code":"SDK_NOT_BUILT","message":"not built"}}' })),
    });
    await page.locator('#status[data-state="closed"]').waitFor();
    assert.equal(await text(page, "#status"), "Offline");
    assert.match(await text(page, "#rows td.empty"), /^This page could not load its scripts/);
    await close();
  });

  it("serves one shell for every page path, its files under /web/, and a JSON 404 for anything else", async () => {
    const shell = await (await fetch(`${server.httpUrl}/`)).text();
    for (const path of ["/", "/leaderboards/goals", "/matches/m_whatever01"]) {
      const response = await fetch(`${server.httpUrl}${path}`);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
      assert.match(response.headers.get("content-security-policy") ?? "", /default-src 'self'/);
      assert.equal(await response.text(), shell);
    }
    for (const [file, type] of [["app.js", /^text\/javascript/], ["styles.css", /^text\/css/]] as const) {
      const response = await fetch(`${server.httpUrl}/web/${file}`);
      assert.equal(response.status, 200, file);
      assert.match(response.headers.get("content-type") ?? "", type);
      assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    }
    for (const path of ["/web/nope.js", "/web/index.html", "/web/..%2Fpackage.json", "/web/dist"]) {
      const response = await fetch(`${server.httpUrl}${path}`);
      assert.equal(response.status, 404, path);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, "ROUTE_NOT_FOUND");
    }
  });

  it("follows prefers-color-scheme", async () => {
    const colors: string[] = [];
    for (const colorScheme of ["light", "dark"] as const) {
      const { page, close } = await open("/", { colorScheme });
      colors.push(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor));
      await close();
    }
    assert.notEqual(colors[0], colors[1], `light ${colors[0]} vs dark ${colors[1]}`);
  });
});
