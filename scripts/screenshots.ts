/**
 * `npm run screenshots`: the README's pictures of the watch page (docs/img/*.png), taken from a
 * real server so they stay current. Starts one on port 0 (embedded mode: nothing to clean up),
 * records a handful of match results through the admin API, starts a bot match (four bots
 * through the SDK, loadtest/bots), and captures the page in headless Chromium (Debian's, as the
 * browser tests use): the desktop view, the spectator, and two phone (375 px) views, one dark.
 *
 *   npm run screenshots            # writes docs/img/watch-*.png
 *   npm run screenshots -- --out /tmp/shots
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { startArenaBot, type ArenaBot } from "../loadtest/bots/arena-bot.ts";
import { loadConfig } from "../server/config.ts";
import { createServer } from "../server/create-server.ts";
import { createLogger } from "../server/logger.ts";
import type { MatchResult, PlayerMatchStats } from "../shared/index.ts";
import { launchChromium } from "../test/helpers/browser.ts";
import { ensureSdkBuilt } from "./build-sdk.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const outArg = process.argv.indexOf("--out");
const outDir = outArg > 0 ? process.argv[outArg + 1]! : join(root, "docs", "img");
const adminKey = randomBytes(18).toString("base64url");

/** Players of the seeded results: two "Sam"s (the page tells them apart) and a tie on goals. */
const PEOPLE = {
  ada: { playerId: "p_shot_ada01", name: "Ada" },
  bo: { playerId: "p_shot_bo002", name: "Bo" },
  cy: { playerId: "p_shot_cy003", name: "Cy" },
  di: { playerId: "p_shot_di004", name: "Di" },
  sam1: { playerId: "p_shot_sam7f", name: "Sam" },
  sam2: { playerId: "p_shot_sam2c", name: "Sam" },
  eve: { playerId: "p_shot_eve05", name: "Eve" },
  fin: { playerId: "p_shot_fin06", name: "Fin" },
};
type Person = (typeof PEOPLE)[keyof typeof PEOPLE];

let seq = 0;
function result(home: [Person, number][], away: [Person, number][], teams = { home: "Harbour FC", away: "Old Town" }): MatchResult {
  const stats = (goals: number): PlayerMatchStats => ({ goals, assists: 0, shots: goals + 1, saves: 0, touches: 10 + goals * 3 });
  const players = [...home.map(([p, g]) => ({ ...p, side: "home" as const, stats: stats(g) })), ...away.map(([p, g]) => ({ ...p, side: "away" as const, stats: stats(g) }))];
  const sum = (side: "home" | "away") => players.filter((p) => p.side === side).reduce((n, p) => n + p.stats.goals, 0);
  const total = (side: "home" | "away") => {
    const s = { goals: 0, assists: 0, shots: 0, saves: 0, touches: 0 };
    for (const p of players.filter((q) => q.side === side)) for (const k of Object.keys(s) as (keyof PlayerMatchStats)[]) s[k] += p.stats[k];
    return s;
  };
  const [h, a] = [sum("home"), sum("away")];
  const ended = new Date(Date.now() - (20 - ++seq) * 60_000);
  return {
    matchId: `m_shots_${Date.now().toString(36)}_${seq}`,
    mode: `${home.length}v${away.length}`,
    teams: { home: { name: teams.home, score: h, stats: total("home") }, away: { name: teams.away, score: a, stats: total("away") } },
    players,
    winner: h === a ? "draw" : h > a ? "home" : "away",
    startedAt: new Date(ended.getTime() - 180_000).toISOString(),
    endedAt: ended.toISOString(),
  };
}

async function main(): Promise<void> {
  await ensureSdkBuilt();
  mkdirSync(outDir, { recursive: true });
  const { config } = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    TOKEN_SECRET: randomBytes(32).toString("base64url"),
    ADMIN_KEY: adminKey,
    LOG_LEVEL: "warn",
    STREAM_HEARTBEAT_MS: "2000",
  });
  const server = await createServer({ config, logger: createLogger(config.logLevel) });
  const { httpUrl, wsUrl } = await server.listen();
  const record = async (r: MatchResult) => {
    const response = await fetch(`${httpUrl}/v1/admin/match-results`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-admin-key": adminKey },
      body: JSON.stringify(r),
    });
    if (!response.ok) throw new Error(`recording a result: ${response.status} ${await response.text()}`);
  };
  const { ada, bo, cy, di, sam1, sam2, eve, fin } = PEOPLE;
  for (const r of [
    result([[ada, 2], [bo, 1]], [[cy, 1], [di, 0]]),
    result([[sam1, 2], [eve, 0]], [[sam2, 1], [fin, 1]], { home: "Blue Harriers", away: "Canal Street" }),
    result([[cy, 3], [di, 0]], [[ada, 1], [bo, 1]]),
    result([[eve, 1], [fin, 2]], [[sam1, 0], [sam2, 2]], { home: "Canal Street", away: "Blue Harriers" }),
  ]) await record(r);

  const bots: ArenaBot[] = [];
  let browser: Browser | undefined;
  try {
    const guest = async (name: string) => {
      const response = await fetch(`${httpUrl}/v1/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
      return ((await response.json()) as { token: string }).token;
    };
    bots.push(
      await startArenaBot({
        url: wsUrl,
        token: await guest("Kai"),
        roomOptions: { teamSize: 2, matchSeconds: 120, countdownSeconds: 0, kickoffPauseSeconds: 0.5, teams: { home: { name: "Harbour FC" }, away: { name: "Old Town" } } },
      }),
    );
    const roomId = bots[0]!.room.roomId;
    for (const name of ["Lu", "Mo", "Nia"]) bots.push(await startArenaBot({ url: wsUrl, token: await guest(name), roomId }));
    const matchId = bots[0]!.room.state.matchId;

    browser = await launchChromium();
    const open = async (path: string, options: BrowserContextOptions): Promise<Page> => {
      const context = await browser!.newContext({ reducedMotion: "reduce", colorScheme: "light", ...options });
      const page = await context.newPage();
      page.on("pageerror", (error) => console.error("page error:", error.message));
      await page.goto(`${httpUrl}${path}`);
      return page;
    };
    const desktop = { viewport: { width: 1280, height: 900 } };
    const phone = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

    // Desktop: the goals board with a selected player, live games, results; then two more results move rows.
    const page = await open(`/leaderboards/goals-weekly?player=${ada.playerId}`, desktop);
    await page.locator('#status[data-state="open"]').waitFor();
    await page.locator("#matches a.match").first().waitFor();
    await page.locator("#feed li").nth(3).waitFor();
    await record(result([[bo, 3], [eve, 1]], [[fin, 0], [di, 1]]));
    await record(result([[ada, 2], [sam2, 0]], [[cy, 0], [sam1, 1]]));
    await page.locator("#feed li").nth(5).waitFor();
    await page.locator("#rows tr.up").first().waitFor();
    await page.waitForTimeout(600); // the pinned rows' reads
    await page.screenshot({ path: join(outDir, "watch-desktop.png") });

    const match = await open(`/matches/${matchId}`, desktop);
    await match.locator('#watch[data-phase="playing"]').waitFor();
    await match.waitForTimeout(1500);
    await match.locator("#watch").screenshot({ path: join(outDir, "watch-match.png") });

    const mobile = await open("/leaderboards/goals", phone);
    await mobile.locator("#rows tr[data-owner]").first().waitFor();
    await mobile.locator('#status[data-state="open"]').waitFor();
    await mobile.screenshot({ path: join(outDir, "watch-phone.png") });

    const mobileMatch = await open(`/matches/${matchId}`, { ...phone, colorScheme: "dark" });
    await mobileMatch.locator('#watch[data-phase="playing"]').waitFor();
    await mobileMatch.locator("#matches a.match").first().waitFor();
    await mobileMatch.waitForTimeout(1500);
    await mobileMatch.screenshot({ path: join(outDir, "watch-phone-match-dark.png") });
    for (const name of ["watch-desktop", "watch-match", "watch-phone", "watch-phone-match-dark"]) console.log(`screenshots: ${join(outDir, `${name}.png`)}`);
  } finally {
    await browser?.close();
    await Promise.all(bots.map((bot) => bot.stop().catch(() => undefined)));
    await server.close({ graceMs: 200 });
  }
}

await main();
