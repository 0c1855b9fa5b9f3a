import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { SpawnedServer } from "../spawn-server.ts";

/** Starts a naive baseline server (naive-server.ts) in its own process on a free port. */
export async function spawnNaiveServer(mode: "sse" | "longpoll"): Promise<SpawnedServer> {
  const root = new URL("../..", import.meta.url);
  const child = spawn(process.execPath, ["--import", "tsx", "loadtest/baseline/naive-server.ts", mode], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    let port: number | undefined;
    try {
      port = (JSON.parse(line) as { port?: number }).port;
    } catch {
      continue;
    }
    if (!port) continue;
    lines.close();
    child.stdout!.resume();
    return {
      httpUrl: `http://127.0.0.1:${port}`,
      wsUrl: `ws://127.0.0.1:${port}`,
      pid: child.pid!,
      stop: () =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    };
  }
  throw new Error("naive server exited before listening");
}
