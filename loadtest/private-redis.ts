import { spawn } from "node:child_process";
import { once } from "node:events";
import { createClient, type RedisClientType } from "redis";
import { freePort } from "./nginx.ts";

/** A throw-away `redis-server` for a load run: a free port, nothing kept on disk, stopped with the run. */
export interface PrivateRedis {
  url: string;
  /** A connected client (INFO, CONFIG RESETSTAT); closed by `stop`. */
  client: RedisClientType;
  stop(): Promise<void>;
}

/** Starts one and resolves once it answers (the user's own Redis, if any, is never touched). */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const url = `redis://127.0.0.1:${port}`;
  const client: RedisClientType = createClient({ url });
  client.on("error", () => undefined);
  const stop = async () => {
    await client.quit().catch(() => undefined);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    }
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await client.connect();
      return { url, client, stop };
    } catch (error) {
      if (attempt > 50 || child.exitCode !== null) {
        await stop();
        throw new Error(`redis-server on port ${port} did not start: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
