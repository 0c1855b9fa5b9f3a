/**
 * Measures what the game room costs on the wire: bytes per state patch and
 * per second as one client receives them, for 1v1 … 5v5 bot matches.
 *
 *   npm start &                      # a server (PORT 2567 by default)
 *   node --import tsx loadtest/game-wire-size.ts [--url http://127.0.0.1:2567] [--seconds 6] [--out wire.json]
 *
 * A script, not a test: it prints a table and optionally writes JSON.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startArenaBot, type ArenaBot } from "./bots/arena-bot.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:2567" },
    seconds: { type: "string", default: "6" },
    sizes: { type: "string", default: "1,2,3,5" },
    out: { type: "string" },
  },
});
const httpUrl = values.url!.replace(/\/$/, "");
const wsUrl = httpUrl.replace(/^http/, "ws");
const seconds = Number(values.seconds);

async function guestToken(name: string): Promise<string> {
  const response = await fetch(`${httpUrl}/v1/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
  if (!response.ok) throw new Error(`guest auth: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

interface Row {
  teamSize: number;
  players: number;
  fullStateBytes: number;
  patches: number;
  bytesPerPatch: number;
  bytesPerSecond: number;
}

async function measure(teamSize: number): Promise<Row> {
  const bots: ArenaBot[] = [];
  let watcher: ArenaBot;
  try {
    const first = await startArenaBot({
      url: wsUrl,
      token: await guestToken("wire-0"),
      roomOptions: { teamSize, matchSeconds: seconds + 5, countdownSeconds: 0, private: true },
      measureWire: true,
    });
    bots.push(first);
    for (let i = 1; i < teamSize * 2; i++) bots.push(await startArenaBot({ url: wsUrl, token: await guestToken(`wire-${i}`), roomId: first.room.roomId }));
    await new Promise<void>((resolve) => {
      const check = setInterval(() => first.room.state.phase === "playing" && (clearInterval(check), resolve()), 20);
    });
    // A spectator joining now measures the full state with every player in it.
    watcher = await startArenaBot({ url: wsUrl, token: await guestToken("wire-spectator"), roomId: first.room.roomId, join: { spectate: true }, measureWire: true });
    bots.push(watcher);
    const start = { ...first.wire };
    const startedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const elapsed = (Date.now() - startedAt) / 1000;
    const patches = first.wire.patchFrames - start.patchFrames;
    const bytes = first.wire.patchBytes - start.patchBytes;
    return {
      teamSize,
      players: teamSize * 2,
      fullStateBytes: watcher.wire.stateBytes,
      patches,
      bytesPerPatch: Math.round((bytes / Math.max(1, patches)) * 10) / 10,
      bytesPerSecond: Math.round(bytes / elapsed),
    };
  } finally {
    await Promise.all(bots.map((bot) => bot.stop()));
  }
}

const rows: Row[] = [];
for (const size of values.sizes!.split(",").map(Number)) rows.push(await measure(size));
console.log("players | full state B | patches | B/patch | B/s (one client)");
for (const r of rows) console.log(`${String(r.players).padStart(7)} | ${String(r.fullStateBytes).padStart(12)} | ${String(r.patches).padStart(7)} | ${String(r.bytesPerPatch).padStart(7)} | ${r.bytesPerSecond}`);
if (values.out) writeFileSync(values.out, JSON.stringify({ measuredAt: new Date().toISOString(), seconds, rows }, null, 2));
