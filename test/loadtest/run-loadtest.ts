import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunReport } from "../../loadtest/runner.ts";

/**
 * Runs `npm run loadtest -- <scenario> ... --baseline --json` (the tool starts
 * our server and the naive baseline itself) and returns both reports. One
 * scenario per test file, so `npm test` runs them side by side.
 */
export async function runLoadtest(args: string[]): Promise<{ ours: RunReport; naive: RunReport }> {
  const dir = mkdtempSync(join(tmpdir(), "loadtest-smoke-"));
  try {
    const json = join(dir, `${args[0]}.json`);
    const child = spawn(process.execPath, ["--import", "tsx", "loadtest/run.ts", ...args, "--baseline", "--json", json], {
      cwd: new URL("../..", import.meta.url),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    assert.equal(code, 0, `loadtest ${args.join(" ")} failed:\n${output.slice(-3000)}`);
    return JSON.parse(readFileSync(json, "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
