import { spawnUntilListening, type SpawnedServer } from "../spawn-server.ts";

/** Starts a naive baseline server (naive-server.ts) in its own process on a free port. */
export function spawnNaiveServer(mode: "sse" | "longpoll"): Promise<SpawnedServer> {
  return spawnUntilListening(["loadtest/baseline/naive-server.ts", mode], {}, (entry) =>
    typeof entry.port === "number" ? { httpUrl: `http://127.0.0.1:${entry.port}`, wsUrl: `ws://127.0.0.1:${entry.port}` } : undefined,
  );
}
