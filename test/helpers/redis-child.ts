import { type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { freePort } from "../../loadtest/nginx.ts";
import { spawnOwned } from "./owned-child.ts";

export { freePort };

/** Temp dirs are named after the test process that owns them, so a later run can sweep what a killed one left. */
const DIR_PREFIX = "arena-test-redis-";

/**
 * A private `redis-server` child: the suites' run-wide Redis (test/helpers/
 * mocha-setup.ts) and the failure tests' own (kill it mid-test and start it
 * again on the same port). It runs on a free port with a temp dir and dies
 * with the test process (owned-child.ts). `persistent: true` is AOF with
 * fsync on every write, as the README recommends for production, so a
 * restart keeps what Redis acknowledged (the default); `persistent: false`
 * gives a Redis that forgets on restart.
 */
export class RedisChild {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  readonly #persistent: boolean;
  #child: ChildProcess | null = null;

  private constructor(port: number, persistent: boolean) {
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
    this.#persistent = persistent;
    this.dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
  }

  /** Starts one on a free port (another free port if that one is taken before Redis binds it). */
  static async start(options: { persistent?: boolean } = {}): Promise<RedisChild> {
    for (let attempt = 1; ; attempt++) {
      const redis = new RedisChild(await freePort(), options.persistent ?? true);
      try {
        await redis.start();
        return redis;
      } catch (error) {
        await redis.stop();
        if (!(error instanceof PortTakenError) || attempt === 5) throw error;
      }
    }
  }

  /** The process id while it runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    const persistence = this.#persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", ...persistence, "--dir", this.dir, "--loglevel", "warning"];
    const child = spawnOwned("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    this.#child = child;
    let output = "";
    const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000));
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    let exited = false;
    child.once("exit", () => (exited = true));
    child.once("error", (error) => (output += String(error)));
    try {
      await this.#waitForPing(() => exited);
    } catch (error) {
      if (exited && /Address already in use/i.test(output)) throw new PortTakenError(this.port);
      if (exited && /failed to execute|ENOENT|not found/i.test(output)) {
        throw new Error("redis-server is not installed: `npm test` installs it (Debian), or run `apt-get install redis-server`");
      }
      throw new Error(`${(error as Error).message}${output ? `:\n${output.trim()}` : ""}`);
    } finally {
      child.stdout!.off("data", collect).resume();
      child.stderr!.off("data", collect).resume();
    }
  }

  async #waitForPing(exited: () => boolean): Promise<void> {
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
        if (exited()) throw new Error(`redis-server on port ${this.port} exited at start-up`);
        if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not answer PING within 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  /** SIGKILL: no goodbye to clients, as in a crash. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
    this.#child = null;
  }

  /** Kills it and removes its data. */
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

class PortTakenError extends Error {
  constructor(port: number) {
    super(`port ${port} was taken before redis-server could bind it`);
  }
}

/** Removes the temp dirs of test processes that are gone (one SIGKILLed mid-run had no chance to). */
export function sweepStaleRedisDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(name.startsWith(DIR_PREFIX) ? name.slice(DIR_PREFIX.length).split("-")[0] : NaN);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
