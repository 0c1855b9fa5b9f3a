/**
 * `npm run fuzz -- --cases N [--seed S]`: the hostile-input fuzzers of the
 * test suite (test/helpers/fuzz/: room messages for game, team and draft through the
 * stock SDK; raw frames of every kind, control frames included, over a raw
 * socket; junk HTTP against every endpoint family) for N cases in all,
 * against a real server process started for the run. Prints the cases run,
 * the crashes (the server process died), the INTERNAL answers and the broken
 * invariants (undocumented codes or close codes, a well-behaved client cut
 * off, a room rule broken), with samples; exits 1 unless all are 0.
 */
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { Findings } from "../test/helpers/fuzz/findings.ts";
import { fuzzHttp, httpStatuses } from "../test/helpers/fuzz/http-fuzzer.ts";
import { fuzzRawFrames, fuzzRoom, rawOutcomes, type FuzzServer } from "../test/helpers/fuzz/room-fuzzer.ts";
import { spawnServer, stopServer } from "../test/helpers/server-process.ts";
import { draftContract, gameContract, teamContract } from "../shared/rooms/index.ts";

const MAX_PAYLOAD = 16384;
/** Share of the cases each fuzzer gets. */
const SHARES = { game: 0.2, team: 0.15, draft: 0.15, raw: 0.15, http: 0.35 } as const;

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const cases = Number(argument("cases") ?? 1000);
if (!Number.isInteger(cases) || cases < 1) {
  console.error("usage: npm run fuzz -- --cases N [--seed S]");
  process.exit(2);
}
const seed = Number(argument("seed") ?? Date.now() % 2 ** 31);
fc.configureGlobal({ seed });

const adminKey = randomBytes(18).toString("base64url");
const child = await spawnServer("fuzz-target", {
  TOKEN_SECRET: randomBytes(32).toString("hex"),
  ADMIN_KEY: adminKey,
  LOG_LEVEL: "info",
  // Floods are the security suite's subject; here every frame must reach the rooms.
  WS_MESSAGES_PER_SECOND: "10000",
  WS_MESSAGE_BURST: "10000",
  WS_CONTROL_FRAMES_PER_SECOND: "10000",
  WS_CONTROL_FRAME_BURST: "10000",
  WS_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD),
  JOIN_ATTEMPTS_PER_MINUTE: "100000",
  DRAFT_CLOSE_AFTER_SECONDS: "86400",
});
const findings = new Findings("collect");
child.process.once("exit", (code, signal) => findings.found("crash", "server", `the server process exited (${code ?? signal}) during the run`));
const server: FuzzServer = { httpUrl: child.httpUrl, wsUrl: child.wsUrl, adminKey };

const started = Date.now();
const share = (part: keyof typeof SHARES) => Math.max(1, Math.round(cases * SHARES[part]));
const run = async (label: string, work: () => Promise<void>) => {
  const t0 = Date.now();
  process.stdout.write(`${label}… `);
  try {
    await work();
  } catch (error) {
    findings.found("invariant", label, `the fuzzer stopped: ${(error as Error).stack ?? error}`);
  }
  console.log(`${findings.cases[label === "raw" ? "raw frames" : label] ?? 0} cases in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
};

console.log(`fuzzing ${cases} cases (seed ${seed}) against ${server.httpUrl}`);
for (const room of [gameContract.name, teamContract.name, draftContract.name] as const) await run(room, () => fuzzRoom(room, server, share(room), findings));
await run("raw", () => fuzzRawFrames(server, share("raw"), findings, MAX_PAYLOAD));
const token = (await (await fetch(`${server.httpUrl}/v1/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "fuzzer" }) })).json()).token as string;
await run("http", () => fuzzHttp(server, token, share("http"), findings));
const alive = await fetch(`${server.httpUrl}/healthz`).then((r) => r.status === 200).catch(() => false);
if (!alive && findings.counts.crash === 0) findings.found("crash", "server", "the server no longer answers /healthz");

const rawByKind = new Map<string, number>();
for (const [key, n] of rawOutcomes) rawByKind.set(key, (rawByKind.get(key) ?? 0) + n);
console.log(
  JSON.stringify(
    {
      seed,
      seconds: Math.round((Date.now() - started) / 1000),
      cases: { total: findings.total, ...findings.cases },
      crashes: findings.counts.crash,
      internal: findings.counts.internal,
      brokenInvariants: findings.counts.invariant,
      rawFrameOutcomes: Object.fromEntries([...rawByKind].sort()),
      httpStatuses: Object.fromEntries([...httpStatuses].sort((a, b) => a[0] - b[0])),
      samples: findings.samples,
    },
    null,
    2,
  ),
);
child.process.removeAllListeners("exit");
await stopServer(child);
process.exit(findings.clean ? 0 : 1);
