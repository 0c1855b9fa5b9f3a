import { randomBytes } from "node:crypto";
import { createClient } from "redis";
import pino from "pino";
import { createStores, type CreateStoresOptions, type Stores } from "../../store/index.ts";
import type { MatchResult } from "../../shared/match-result.ts";

/**
 * The real Redis the suites run against: the throw-away redis-server that
 * test/helpers/mocha-setup.ts starts for the run, or the one TEST_REDIS_URL
 * names. Never a default address: a developer's own Redis is not touched.
 */
export const REDIS_URL: string = testRedisUrl();

function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error("TEST_REDIS_URL is not set: run the tests with mocha (.mocharc.json loads test/helpers/mocha-setup.ts, which starts a redis-server), or set it");
  return url;
}

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

export interface Implementation {
  name: "memory" | "redis";
  redisUrl?: string;
}

/** Every conformance suite runs once per implementation: a behaviour only one has is a bug (docs/architecture.md, "Adding a store"). */
export const IMPLEMENTATIONS: Implementation[] = [{ name: "memory" }, { name: "redis", redisUrl: REDIS_URL }];

export function uniquePrefix(tag: string): string {
  return `test:${tag}:${process.pid}:${randomBytes(4).toString("hex")}:`;
}

/** Deletes every key under a prefix (tests clean up after themselves). */
export async function deleteKeys(prefix: string, url = REDIS_URL): Promise<number> {
  const client = createClient({ url });
  await client.connect();
  let deleted = 0;
  try {
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (batch.length > 0) deleted += await client.del(batch);
    }
  } finally {
    await client.quit();
  }
  return deleted;
}

/** A controllable clock for reset boundaries. */
export class TestClock {
  constructor(public now: number = Date.parse("2025-03-05T12:00:00.000Z")) {}
  readonly fn = () => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

/**
 * Opens stores for one implementation; `open()` again with the same prefix
 * gives a second "process" sharing the same Redis data. `closeAll()` closes
 * them and deletes the prefix's keys.
 */
export function storeFixture(impl: Implementation, tag: string) {
  const prefix = uniquePrefix(tag);
  const opened: Stores[] = [];
  return {
    prefix,
    async open(options: Partial<CreateStoresOptions> = {}): Promise<Stores> {
      const stores = await createStores({ redisUrl: impl.redisUrl, keyPrefix: prefix, logger: silentLogger, pipelineSweepMs: 200, ...options });
      opened.push(stores);
      return stores;
    },
    async closeAll(): Promise<void> {
      await Promise.all(opened.splice(0).map((s) => s.close({ graceMs: 100 })));
      if (impl.redisUrl) await deleteKeys(prefix, impl.redisUrl);
    },
  };
}

let matchCounter = 0;

/** A valid match result: home wins 2-1 unless told otherwise. */
export function makeResult(overrides: Partial<MatchResult> & { players?: MatchResult["players"] } = {}): MatchResult {
  const matchId = overrides.matchId ?? `m_test${process.pid}x${++matchCounter}x${randomBytes(3).toString("hex")}`;
  const players: MatchResult["players"] = overrides.players ?? [
    { playerId: "p_home0000001", name: "Ada", side: "home", stats: { goals: 2, assists: 0, shots: 3, saves: 0, touches: 25 } },
    { playerId: "p_home0000002", name: "Bo", side: "home", stats: { goals: 0, assists: 1, shots: 1, saves: 2, touches: 12 } },
    { playerId: "p_away0000001", name: "Cy", side: "away", stats: { goals: 1, assists: 0, shots: 2, saves: 1, touches: 20 } },
    { playerId: "p_away0000002", name: "Di", side: "away", stats: { goals: 0, assists: 0, shots: 0, saves: 4, touches: 9 } },
  ];
  const sum = (side: "home" | "away") => {
    const stats = { goals: 0, assists: 0, shots: 0, saves: 0, touches: 0 };
    for (const p of players.filter((p) => p.side === side)) for (const k of Object.keys(stats) as (keyof typeof stats)[]) stats[k] += p.stats[k];
    return stats;
  };
  const home = sum("home");
  const away = sum("away");
  const winner = home.goals === away.goals ? "draw" : home.goals > away.goals ? "home" : "away";
  return {
    matchId,
    mode: "2v2",
    teams: { home: { name: "Home", score: home.goals, stats: home }, away: { name: "Away", score: away.goals, stats: away } },
    players,
    winner,
    startedAt: "2025-03-05T11:50:00.000Z",
    endedAt: "2025-03-05T11:55:00.000Z",
    ...overrides,
  };
}
