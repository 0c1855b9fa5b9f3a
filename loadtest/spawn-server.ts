import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { SERVER_NODE_FLAGS } from "../server/node-flags.ts";

export interface SpawnedServer {
  httpUrl: string;
  wsUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `server/main.ts` in its own process on a free port (the load
 * generator must not share a process, or a core, with what it measures).
 * Every bot signs in as a guest from a handful of loopback addresses, so
 * GUEST_SIGNUPS_PER_MINUTE is lifted (set it on a server you target with --url).
 */
export function spawnServer(env: Record<string, string> = {}): Promise<SpawnedServer> {
  return spawnUntilListening(["server/main.ts"], { PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", NODE_ENV: "development", GUEST_SIGNUPS_PER_MINUTE: "1000000", ...env }, (entry) => {
    if (typeof entry.level === "number" && entry.level >= 60) throw new Error(`server failed to start: ${entry.msg}`);
    return entry.msg === "listening" ? { httpUrl: String(entry.httpUrl), wsUrl: String(entry.wsUrl) } : undefined;
  });
}

/**
 * Spawns `node <SERVER_NODE_FLAGS> --import tsx <args>` (the naive baselines
 * get the same V8 settings as ours) and resolves once one of its JSON stdout
 * lines says where it listens (`listening` returns the URLs, or throws).
 */
export async function spawnUntilListening(
  args: string[],
  env: Record<string, string>,
  listening: (entry: Record<string, unknown>) => { httpUrl: string; wsUrl: string } | undefined,
): Promise<SpawnedServer> {
  const child: ChildProcess = spawn(process.execPath, [...SERVER_NODE_FLAGS, "--import", "tsx", ...args], {
    cwd: new URL("..", import.meta.url),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    const urls = listening(entry);
    if (!urls) continue;
    lines.close();
    child.stdout!.resume();
    return {
      ...urls,
      pid: child.pid!,
      stop: () =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    };
  }
  throw new Error(`${args[0]} exited before listening`);
}

/** CPU seconds (user+system) and RSS bytes of a local process, from /proc. */
export function procStats(pid: number): { cpuSeconds: number; rssBytes: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = 100; // USER_HZ on Linux
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / ticks;
    const rssBytes = Number(fields[21]) * 4096;
    return { cpuSeconds, rssBytes };
  } catch {
    return undefined;
  }
}
