/**
 * A crowd of long-polling clients in a child process, so a test can hold
 * thousands of polls against a server in its own process without running out
 * of file descriptors (each loopback connection costs one descriptor per
 * side; a process allows ~20,000).
 *
 * Run: `node --import tsx test/helpers/poll-crowd.ts` with env CROWD_URL (the
 * full poll URL), CROWD_TOKENS (comma-separated bearer tokens, used in turn),
 * CROWD_COUNT and CROWD_BATCH. Each client sends one request on its own
 * connection (no keep-alive, as separate clients would) and, like a real
 * client, polls again at once when the hold ends without a result
 * (`final:false`); it is done with a final result, an error status or a
 * network error. Prints JSON lines: `{"event":"connected"}` once every first
 * request is sent, `{"event":"repolling"}` at the first poll that ended
 * without a result, then `{"event":"done", statuses, finals, errors, repolls,
 * resets, sample}` when every client is done, and exits (a connection reset
 * is retried at once, up to 500 in all, and counted in `resets`). Killing it abandons every
 * poll at once (the server must clean up).
 */
import http from "node:http";

const env = process.env;
const count = Number(env.CROWD_COUNT ?? 1000);
const batch = Number(env.CROWD_BATCH ?? 500);
// One connection per request, never reused: what a crowd of separate clients does.
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

const statuses: Record<string, number> = {};
const finals: Record<string, number> = {};
const errors: Record<string, number> = {};
let repolls = 0;
/** Connection resets retried (at most MAX_RESETS in all; past that they count as errors). */
let resets = 0;
const MAX_RESETS = 500;
let sample: unknown;
let done = 0;

const bump = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);

/** Sends one poll; resolves once its socket is connected (for batching); `onEnd` gets the outcome. */
function send(url: URL, token: string, onEnd: (outcome: { status: number; body: string } | { error: string }) => void): Promise<void> {
  return new Promise((connected) => {
    const request = http.request(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => onEnd({ status: res.statusCode!, body }));
    });
    request.on("socket", (socket) => {
      if (socket.connecting) socket.once("connect", () => connected());
      else connected();
    });
    request.on("error", (error: NodeJS.ErrnoException) => {
      connected();
      onEnd({ error: error.code ?? error.message });
    });
    request.end();
  });
}

/** One client: polls until it has a final answer. */
function client(url: URL, token: string): Promise<void> {
  const onEnd = (outcome: { status: number; body: string } | { error: string }) => {
    if ("error" in outcome) {
      // A connection reset on an overloaded machine (10,000 opened at once): the client polls again, as a real one does; counted apart.
      if (outcome.error === "ECONNRESET" && resets++ < MAX_RESETS) {
        void send(url, token, onEnd);
        return;
      }
      return finish(() => bump(errors, outcome.error));
    }
    let parsed: { final?: boolean; result?: { matchId: string } } | undefined;
    try {
      parsed = JSON.parse(outcome.body);
    } catch {
      // counted below as unparsable
    }
    if (outcome.status === 200 && parsed?.final === false) {
      // Tell the test at once: not every client is parked any more.
      if (repolls++ === 0) process.stdout.write(`${JSON.stringify({ event: "repolling" })}\n`);
      void send(url, token, onEnd);
      return;
    }
    finish(() => {
      bump(statuses, String(outcome.status));
      bump(finals, parsed === undefined ? "unparsable" : parsed.final ? `final:${parsed.result?.matchId}` : "not-final");
      sample ??= parsed;
    });
  };
  return send(url, token, onEnd);
}

function finish(tally: () => void): void {
  tally();
  if (++done === count) {
    process.stdout.write(`${JSON.stringify({ event: "done", statuses, finals, errors, repolls, resets, sample })}\n`);
    agent.destroy();
  }
}

async function main(url: URL, tokens: string[]): Promise<void> {
  // Batches keep the server's accept backlog from overflowing (SYN retries would only slow the test down).
  for (let start = 0; start < count; start += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - start) }, (_, j) => client(url, tokens[(start + j) % tokens.length])));
  }
  process.stdout.write(`${JSON.stringify({ event: "connected", count })}\n`);
}

// Only as a script (a test runner that loads every file under test/ must not start a crowd).
if (env.CROWD_URL && env.CROWD_TOKENS) await main(new URL(env.CROWD_URL), env.CROWD_TOKENS.split(","));
