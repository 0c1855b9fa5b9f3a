import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { startArenaBot, type ArenaBot } from "../../loadtest/bots/arena-bot.ts";
import type { GameRoomOptionsInput, MatchResult } from "../../shared/index.ts";
import { makeResult } from "./store-harness.ts";
import { TEST_ADMIN_KEY, type TestServer } from "./test-server.ts";

/** What the browser tests of the watch page (web/) share: admin writes, results, bot matches. */

export async function admin(server: TestServer, method: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${server.httpUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

export interface Scorer {
  playerId: string;
  name: string;
  side: "home" | "away";
  goals: number;
}

/** Records a finished match through the admin API: each scorer's goals go to the goals boards. */
export async function recordResult(server: TestServer, players: Scorer[], overrides: Partial<MatchResult> = {}): Promise<MatchResult> {
  const result = makeResult({
    players: players.map((p) => ({ playerId: p.playerId, name: p.name, side: p.side, stats: { goals: p.goals, assists: 0, shots: p.goals, saves: 0, touches: 5 } })),
    ...overrides,
  });
  const home = players.filter((p) => p.side === "home").reduce((n, p) => n + p.goals, 0);
  const away = players.filter((p) => p.side === "away").reduce((n, p) => n + p.goals, 0);
  result.endedAt = new Date().toISOString();
  result.startedAt = new Date(Date.now() - 60_000).toISOString();
  assert.equal(result.teams.home.score, home);
  assert.equal(result.teams.away.score, away);
  assert.equal((await admin(server, "POST", "/v1/admin/match-results", result) as { status: string }).status, "recorded");
  return result;
}

/** A 1v1 bot match (two bots through the SDK): resolves once both are seated; `matchId` is the room's. */
export async function startBotMatch(server: TestServer, roomOptions: GameRoomOptionsInput): Promise<{ bots: ArenaBot[]; matchId: string; stop: () => Promise<void> }> {
  const token = async (name: string) => (await server.guestToken(name)).token;
  const first = await startArenaBot({ url: server.wsUrl, token: await token("Bot A"), roomOptions: { teamSize: 1, countdownSeconds: 0.2, kickoffPauseSeconds: 0.2, ...roomOptions }, inputHz: 15 });
  const second = await startArenaBot({ url: server.wsUrl, token: await token("Bot B"), roomId: first.room.roomId, inputHz: 15 });
  const bots = [first, second];
  return { bots, matchId: first.room.state.matchId, stop: async () => void (await Promise.all(bots.map((bot) => bot.stop().catch(() => undefined)))) };
}

/** The PNG of an element, for "did it draw something new" comparisons. */
export const shot = (page: Page, selector: string): Promise<Buffer> => page.locator(selector).screenshot();

/** Counts requestAnimationFrame calls of a page (installed before its scripts run). */
export async function countAnimationFrames(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { rafCalls: number };
    w.rafCalls = 0;
    const original = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (callback) => {
      w.rafCalls++;
      return original(callback);
    };
  });
}
