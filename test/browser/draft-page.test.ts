import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { createClient, type DraftConnection } from "../../client-sdk/index.ts";
import { ensureSdkBuilt } from "../../scripts/build-sdk.ts";
import { launchChromium } from "../helpers/browser.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/**
 * The draft board page (/leagues/:id/draft) in headless Chromium, against a real server:
 * a league drafts through the SDK (a short clock: the absent manager's picks are autopicks)
 * while the page is open, and its grid shows every pick as it happens.
 */
describe("the draft board page: the grid live while a league drafts (headless Chromium)", function () {
  this.timeout(60_000);
  let browser: Browser;
  const open: DraftConnection[] = [];
  before(async () => {
    await ensureSdkBuilt();
    browser = await launchChromium();
  });
  after(async () => {
    await Promise.all(open.splice(0).map((c) => c.leave()));
    await browser?.close();
  });
  const server = useTestServer();

  async function signedIn(name: string) {
    const client = createClient({ url: server.httpUrl });
    await client.auth.signInAsGuest(name);
    return client;
  }
  async function page(path: string): Promise<{ page: Page; errors: Error[]; close: () => Promise<void> }> {
    const context = await browser.newContext();
    const p = await context.newPage();
    const errors: Error[] = [];
    p.on("pageerror", (error) => errors.push(error));
    await p.goto(`${server.httpUrl}${path}`);
    return { page: p, errors, close: () => context.close() };
  }
  /** A player nobody drafted yet (the autopicks took some). */
  const available = (connection: DraftConnection) => [...connection.state!.players.values()].find((p) => p.draftedBy === "")!.playerId;
  const cells = (p: Page) =>
    p.$$eval("#draft-rows td[data-player]", (tds) => tds.map((td) => `${(td as HTMLElement).dataset.pick}:${(td as HTMLElement).dataset.team}:${(td as HTMLElement).dataset.player}`).sort());

  it("shows each pick in its round and team as it is made, the cell on the clock with a countdown; a clear message without a token, for an outsider and for an unknown league", async () => {
    const ada = await signedIn("Ada");
    const bob = await signedIn("Bob");
    const cy = await signedIn("Cy");
    const players = Array.from({ length: 6 }, (_, i) => ({ playerId: `b${i + 1}`, name: `Board Player ${i + 1}` }));
    const league = await ada.leagues.create({ name: "Browser league", teamCount: 3, rosterSize: 2, pickSeconds: 2, draftOrder: "manual", teamName: "Ada FC", players });
    await bob.leagues.join(league.inviteCode, "Bob FC");
    await cy.leagues.join(league.inviteCode, "Cy FC");
    const outsider = await signedIn("Eve");

    // Refusals, in words.
    for (const [path, words] of [
      [`/leagues/${league.id}/draft`, /Sign in/],
      [`/leagues/${league.id}/draft#token=${outsider.auth.token}`, /members? only|not a member/],
      [`/leagues/lg_0000000000000000/draft#token=${bob.auth.token}`, /no such league/],
    ] as const) {
      const refused = await page(path);
      await refused.page.locator("#draft-message:not([hidden])").waitFor();
      assert.match((await refused.page.locator("#draft-message").textContent()) ?? "", words);
      assert.deepEqual(refused.errors, []);
      await refused.close();
    }

    // Bob's page, before the draft starts: the teams, no picks. The token leaves the address bar.
    const view = await page(`/leagues/${league.id}/draft#token=${bob.auth.token}`);
    try {
      await view.page.locator("#draft-head th[data-team]").first().waitFor();
      assert.equal(new URL(view.page.url()).hash, "");
      assert.deepEqual(await view.page.$$eval("#draft-head th[data-team]", (ths) => ths.map((th) => th.textContent)), ["Ada FC", "Bob FC", "Cy FC"]);

      // The draft through the SDK: Ada and Bob pick; Cy never connects (the 2 s clock autopicks for him).
      const adaDraft = await ada.rooms.draft.join(league.id);
      const bobDraft = await bob.rooms.draft.join(league.id);
      open.push(adaDraft, bobDraft);
      adaDraft.setOrder(["t1", "t2", "t3"]);
      adaDraft.startDraft();
      await view.page.locator('#draft-rows td.on-clock[data-pick="1"] .countdown').waitFor();
      assert.match((await view.page.locator("#draft-rows td.on-clock .countdown").textContent()) ?? "", /^\d+ s$/);
      assert.equal(await view.page.locator("#draft-rows td.on-clock").getAttribute("data-team"), "t1");

      await adaDraft.pick("b3");
      await view.page.locator('#draft-rows td[data-pick="1"][data-player="b3"]').waitFor();
      assert.equal(await view.page.locator('#draft-rows td[data-pick="1"] .player').textContent(), "Board Player 3");
      await view.page.locator('#draft-rows td.on-clock[data-pick="2"][data-team="t2"]').waitFor();
      await bobDraft.pick("b1");
      await view.page.locator('#draft-rows td[data-pick="2"][data-player="b1"]').waitFor();
      // Cy's pick 3 (autopick), then the snake turns: round 2 runs t3, t2, t1.
      await view.page.locator('#draft-rows td[data-pick="3"][data-team="t3"][data-player]').waitFor({ timeout: 10_000 });
      await view.page.locator('#draft-rows td[data-round="2"][data-team="t3"][data-player]').waitFor({ timeout: 10_000 });
      await waitFor(() => bobDraft.state?.onClock === "t2", "Bob on the clock in round 2");
      await bobDraft.pick(available(bobDraft));
      await waitFor(() => adaDraft.state?.onClock === "t1", "Ada on the clock in round 2");
      await adaDraft.pick(available(adaDraft));
      await waitFor(() => adaDraft.state?.status === "complete", "the draft complete");

      const want = [...adaDraft.state!.picks].map((p) => `${p.number}:${p.teamId}:${p.playerId}`).sort();
      await waitFor(async () => JSON.stringify(await cells(view.page)) === JSON.stringify(want), "every pick in the grid");
      assert.equal(await view.page.locator("#draft-rows td.on-clock").count(), 0, "nobody on the clock once complete");
      await view.page.locator("#draft-state", { hasText: "Complete" }).waitFor();
      assert.deepEqual(view.errors, []);
    } finally {
      await view.close();
    }
  });
});
