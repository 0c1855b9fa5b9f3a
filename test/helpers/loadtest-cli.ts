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
export function useLoadtestCli(): {
  run(args: string[], html?: string): Promise<{ ours: RunReport; naive: RunReport; html?: string }>;
  /** Ours only (no `--baseline`), e.g. a `--topology` run. */
  runOurs(args: string[]): Promise<RunReport>;
  /** Runs with arguments the tool must refuse: its exit code and output. */
  refused(args: string[]): Promise<{ code: number | null; output: string }>;
} {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "loadtest-smoke-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const spawnCli = async (args: string[]) => {
    const child = spawn(process.execPath, ["--import", "tsx", "loadtest/run.ts", ...args], { cwd: new URL("../..", import.meta.url), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    return { code, output };
  };
  const succeed = async (args: string[]) => {
    const { code, output } = await spawnCli(args);
    assert.equal(code, 0, `loadtest ${args.join(" ")} failed:\n${output.slice(-3000)}`);
  };
  return {
    async run(args, html) {
      const json = join(dir, `${args[0]}.json`);
      const htmlPath = html ? join(dir, html) : undefined;
      await succeed([...args, "--baseline", "--json", json, ...(htmlPath ? ["--html", htmlPath] : [])]);
      const reports = JSON.parse(readFileSync(json, "utf8")) as { ours: RunReport; naive: RunReport };
      return { ...reports, html: htmlPath && readFileSync(htmlPath, "utf8") };
    },
    async runOurs(args) {
      const json = join(dir, `${args[0]}-ours.json`);
      await succeed([...args, "--json", json]);
      return JSON.parse(readFileSync(json, "utf8")) as RunReport;
    },
    refused: spawnCli,
  };
}
