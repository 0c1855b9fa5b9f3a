import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunReport } from "../../loadtest/runner.ts";

/**
 * `npm run loadtest -- <scenario> … --baseline --json` as the load-test smoke
 * tests run it: a child process against a server and a naive baseline it
 * starts itself. Registers mocha hooks for a scratch directory; `run`
 * resolves with both reports (and writes the HTML report to `html`, a file
 * name in that directory, when given).
 */
export function useLoadtestCli(): { run(args: string[], html?: string): Promise<{ ours: RunReport; naive: RunReport; html?: string }> } {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "loadtest-smoke-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  return {
    async run(args, html) {
      const json = join(dir, `${args[0]}.json`);
      const htmlPath = html ? join(dir, html) : undefined;
      const child = spawn(process.execPath, ["--import", "tsx", "loadtest/run.ts", ...args, "--baseline", "--json", json, ...(htmlPath ? ["--html", htmlPath] : [])], {
        cwd: new URL("../..", import.meta.url),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      assert.equal(code, 0, `loadtest ${args.join(" ")} failed:\n${output.slice(-3000)}`);
      const reports = JSON.parse(readFileSync(json, "utf8")) as { ours: RunReport; naive: RunReport };
      return { ...reports, html: htmlPath && readFileSync(htmlPath, "utf8") };
    },
  };
}
