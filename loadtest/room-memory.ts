import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createClient } from "../client-sdk/index.ts";

/**
 * `npm run loadtest:room-memory [-- N]` — memory per arena player, after GC.
 *
 * Starts server/main.ts with `--expose-gc` and a SIGUSR2 hook (forces GC,
 * writes `process.memoryUsage()`), warms it up with one room, reads memory,
 * seats N players (10 per room, matches running, no inputs), reads again and
 * prints the difference per player: live heap, RSS, external. Unlike the
 * bench's "RSS per connection" (taken under load, garbage included) this is
 * what a seated player keeps alive.
 */
const players = Number(process.argv[2] ?? 500);
const out = join(tmpdir(), `room-memory-${process.pid}.json`);
const hook = `
  import { writeFileSync } from "node:fs";
  process.on("SIGUSR2", () => {
    for (let i = 0; i < 4; i++) globalThis.gc();
    writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.memoryUsage()));
  });
  await import(${JSON.stringify(new URL("../server/main.ts", import.meta.url).href)});
`;
const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", "--input-type=module", "-e", hook], {
  env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", GUEST_SIGNUPS_PER_MINUTE: "1000000" },
  stdio: ["ignore", "pipe", "inherit"],
});
let url = "";
for await (const line of createInterface({ input: child.stdout! })) {
  try {
    const entry = JSON.parse(line);
    if (entry.msg === "listening") {
      url = entry.httpUrl;
      break;
    }
  } catch {
    // not a log line
  }
}
child.stdout!.resume();
const memory = async (): Promise<NodeJS.MemoryUsage> => {
  rmSync(out, { force: true });
  child.kill("SIGUSR2");
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      return JSON.parse(readFileSync(out, "utf8"));
    } catch {
      // not written yet
    }
  }
  throw new Error("the server did not report its memory");
};

const warm = createClient({ url });
await warm.auth.signInAsGuest("warm-up");
await (await warm.rooms.game.create({ teamSize: 5 })).leave();
await new Promise((r) => setTimeout(r, 1000));
const before = await memory();
const seated = [];
for (let room = 0; room < Math.ceil(players / 10); room++) {
  const host = createClient({ url });
  await host.auth.signInAsGuest(`host-${room}`);
  const game = await host.rooms.game.create({ teamSize: 5, matchSeconds: 600, countdownSeconds: 0 });
  seated.push(game);
  for (let i = 1; i < 10 && room * 10 + i < players; i++) {
    const client = createClient({ url });
    await client.auth.signInAsGuest(`player-${room}-${i}`);
    seated.push(await client.rooms.game.joinById(game.roomId!));
  }
}
await new Promise((r) => setTimeout(r, 3000));
const after = await memory();
const per = (key: keyof NodeJS.MemoryUsage) => `${((after[key] - before[key]) / seated.length / 1024).toFixed(1)} KB`;
process.stdout.write(
  `${seated.length} players in ${Math.ceil(players / 10)} rooms (matches running, no inputs), after GC, per player: heap ${per("heapUsed")}, RSS ${per("rss")}, external ${per("external")}\n`,
);
child.kill("SIGKILL");
process.exit(0);
