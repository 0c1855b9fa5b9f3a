import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { freePort } from "../../loadtest/nginx.ts";

export { freePort };

/**
 * A private `redis-server` child for failure tests: kill it mid-test and start
 * it again on the same port. Persistence is AOF with fsync on every write (in a
 * temp dir), as the README recommends for production, so a restart keeps what
 * Redis acknowledged; `persistent: false` gives a Redis that forgets on restart.
 */
export class RedisChild {
  readonly port: number;
  readonly url: string;
  readonly #dir: string;
  readonly #persistent: boolean;
  #child: ChildProcess | null = null;

  private constructor(port: number, persistent: boolean) {
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
    this.#persistent = persistent;
    this.#dir = mkdtempSync(join(tmpdir(), "arena-redis-"));
  }

  static async start(options: { persistent?: boolean } = {}): Promise<RedisChild> {
    const redis = new RedisChild(await freePort(), options.persistent ?? true);
    await redis.start();
    return redis;
  }

  async start(): Promise<void> {
    const persistence = this.#persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
    this.#child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", ...persistence, "--dir", this.#dir], {
      stdio: "ignore",
    });
    // Ready when it answers PING.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const client = createClient({ url: this.url, socket: { reconnectStrategy: false, connectTimeout: 500 } });
      client.on("error", () => undefined);
      try {
        await client.connect();
        await client.ping();
        await client.quit();
        return;
      } catch {
        client.destroy();
        if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not start`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** SIGKILL: no goodbye to clients, as in a crash. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
    this.#child = null;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
