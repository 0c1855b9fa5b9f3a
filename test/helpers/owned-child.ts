import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * util-linux's `setpriv` (Essential on Debian): `--pdeathsig KILL` makes the
 * kernel SIGKILL the child when the process that spawned it dies, however it
 * dies (a crash, Ctrl-C, even SIGKILL), and then execs the command, so the
 * child keeps the pid we hold.
 */
const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((path) => existsSync(path));

/**
 * Spawns a helper process (redis-server, a server under test) that cannot
 * outlive the test process. Where `setpriv` is missing (not Linux) it falls
 * back to killing the child from an `exit` handler, which covers a normal
 * exit and a crash but not SIGKILL.
 */
export function spawnOwned(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  if (SETPRIV) return spawn(SETPRIV, ["--pdeathsig", "KILL", "--", command, ...args], options);
  const child = spawn(command, args, options);
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  child.once("exit", () => process.off("exit", kill));
  return child;
}
