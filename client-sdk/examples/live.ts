/**
 * The README's runnable example of the HTTP transports: `npm start` in one
 * terminal, then `node --import tsx client-sdk/examples/live.ts [http://localhost:2567]`.
 * Watches a leaderboard live (SSE, or long polling behind a buffering proxy),
 * records a match through the admin API (start both with the same
 * `ADMIN_KEY=…`), and waits for its result by long polling.
 */
import { createClient, type MatchResult } from "../index.ts";

const url = globalThis.process?.argv[2] ?? "http://localhost:2567";
const adminKey = globalThis.process?.env.ADMIN_KEY;
if (!adminKey) throw new Error("set ADMIN_KEY to the server's admin key (it records the example match)");
const client = createClient({ url });
await client.auth.signInAsGuest("Watcher"); // match results need a token; boards are public

// A live top 5: typed snapshot/delta events plus the sorted table.
const board = client.leaderboards.subscribe("goals", { top: 5 }, (message, table) => {
  console.log(`${message.event} ${message.id}:`, table.rows.map((r) => `${r.rank}. ${r.name} ${r.score}`).join(" | ") || "(empty)");
});
board.on("transport", ({ from, to, reason }) => console.log(`board: ${from} → ${to} (${reason})`));
board.on("state", ({ from, to, reason, transport }) => console.log(`board: ${from} → ${to} (${reason}, ${transport})`));

// A match: the result arrives by long polling (re-polls every 25 s until it is there).
const matchId = `m_example${Date.now()}`;
const result: MatchResult = {
  matchId,
  mode: "1v1",
  teams: {
    home: { name: "Home", score: 2, stats: { goals: 2, assists: 0, shots: 3, saves: 0, touches: 10 } },
    away: { name: "Away", score: 1, stats: { goals: 1, assists: 0, shots: 2, saves: 1, touches: 8 } },
  },
  players: [
    { playerId: "p_example0001", name: "Ada", side: "home", stats: { goals: 2, assists: 0, shots: 3, saves: 0, touches: 10 } },
    { playerId: "p_example0002", name: "Bo", side: "away", stats: { goals: 1, assists: 0, shots: 2, saves: 1, touches: 8 } },
  ],
  winner: "home",
  startedAt: new Date(Date.now() - 60_000).toISOString(),
  endedAt: new Date().toISOString(),
};
const recorded = await fetch(`${url}/v1/admin/match-results`, {
  method: "POST",
  headers: { "content-type": "application/json", "x-admin-key": adminKey },
  body: JSON.stringify(result),
});
console.log(`admin: recording ${matchId} answered ${recorded.status}`);

const final = await client.matches.waitForResult(matchId, { signal: AbortSignal.timeout(60_000) });
console.log(`result of ${final.matchId}: ${final.teams.home.score}-${final.teams.away.score}, winner ${final.winner} (feed seq ${final.seq})`);

// The board's own record of it (the live deltas above show it too when Ada is in the top 5).
const ada = await client.leaderboards.get("goals", "p_example0001");
console.log(`Ada on goals: rank ${ada.record.rank}, ${ada.record.score} goals`);
board.close();
