import { type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { SERVER_NODE_FLAGS } from "../../server/node-flags.ts";
import { spawnOwned } from "./owned-child.ts";

/** A real `server/main.ts` child process (multi-process tests: one Colyseus matchmaker per process). */
export interface ServerProcess {
  name: string;
  process: ChildProcess;
  httpUrl: string;
  wsUrl: string;
  publicAddress: string;
  /** Its JSON log lines up to and including "listening". */
  startupLog: Record<string, unknown>[];
}

/**
 * Spawns `node --import tsx server/main.ts` on port 0 with `env` on top of the
 * test's environment; resolves once it logged "listening" (rejects if it logs
 * a fatal line or exits first). Its stdout keeps being drained so the child
 * never blocks on a full pipe; stderr is inherited. It dies with the test
 * process (owned-child.ts).
 */
export async function spawnServer(name: string, env: Record<string, string>, options: { startTimeoutMs?: number } = {}): Promise<ServerProcess> {
  // The "listening" line is logged at info: a quieter LOG_LEVEL would leave this waiting forever.
  if (env.LOG_LEVEL && !["trace", "debug", "info"].includes(env.LOG_LEVEL)) throw new Error(`spawnServer needs LOG_LEVEL info or lower (got ${env.LOG_LEVEL})`);
  const child = spawnOwned(process.execPath, [...SERVER_NODE_FLAGS, "--import", "tsx", "server/main.ts"], {
    cwd: new URL("../..", import.meta.url),
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", SHUTDOWN_GRACE_MS: "1000", GUEST_SIGNUPS_PER_MINUTE: "1000000", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  // A child that never gets to "listening" must not outlive the test run.
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const timer = setTimeout(() => {
    process.stderr.write(`${name} did not listen within ${startTimeoutMs} ms; killing it\n`);
    child.kill("SIGKILL");
  }, startTimeoutMs);
  const startupLog: Record<string, unknown>[] = [];
  try {
    for await (const line of lines) {
      const entry = JSON.parse(line) as { msg: string; httpUrl?: string; wsUrl?: string; publicAddress?: string; level: number };
      startupLog.push(entry);
      if (entry.level >= 60) throw new Error(`${name} failed to start: ${entry.msg}`);
      if (entry.msg === "listening") return { name, process: child, httpUrl: entry.httpUrl!, wsUrl: entry.wsUrl!, publicAddress: entry.publicAddress!, startupLog };
    }
    throw new Error(`${name} exited before listening`);
  } catch (error) {
    if (child.exitCode === null) child.kill("SIGKILL");
    throw error;
  } finally {
    clearTimeout(timer);
    lines.close();
    // Keep draining its log so the child never blocks on a full pipe.
    child.stdout!.resume();
  }
}

/** SIGTERM (the ordered drain) and wait for the exit; `signal: "SIGKILL"` for a crash. No-op if already gone. */
export async function stopServer(child: ServerProcess | undefined, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  if (!child || child.process.exitCode !== null || child.process.signalCode !== null) return child?.process.exitCode ?? null;
  const exited = once(child.process, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  child.process.kill(signal);
  const [code] = await exited;
  return code;
}
