import { spawnUntilListening, type SpawnedServer } from "../spawn-server.ts";

/**
 * Starts a naive baseline server in its own process on a free port:
 * naive-server.ts for `sse` / `longpoll`, naive-ws-server.ts for `arena`.
 */
export function spawnNaiveServer(mode: "sse" | "longpoll" | "arena", env: Record<string, string> = {}): Promise<SpawnedServer> {
  const args = mode === "arena" ? ["loadtest/baseline/naive-ws-server.ts"] : ["loadtest/baseline/naive-server.ts", mode];
  return spawnUntilListening(args, env, (entry) =>
    typeof entry.port === "number" ? { httpUrl: `http://127.0.0.1:${entry.port}`, wsUrl: `ws://127.0.0.1:${entry.port}` } : undefined,
  );
}
