import assert from "node:assert/strict";
import net from "node:net";
import { ErrorCodes, type ErrorBody } from "../../shared/index.ts";
import { Findings } from "../helpers/fuzz/findings.ts";
import { fuzzHttp, httpStatuses } from "../helpers/fuzz/http-fuzzer.ts";
import { TEST_ADMIN_KEY, useTestServer } from "../helpers/test-server.ts";
import { note } from "../helpers/quiet-console.ts";

/**
 * Hostile HTTP against every endpoint family (auth, leaderboards + admin,
 * matches, leagues, streams): bad JSON, bad query values, huge headers, bad
 * Last-Event-ID, bad cursors, junk ids and tokens. Every answer is a success
 * or a documented status with the `{error:{code,message}}` shape, never 500,
 * and the server keeps serving.
 */
const RUNS = Number(process.env.FUZZ_HTTP_RUNS ?? 400);

describe("reliability: hostile HTTP input (fast-check)", function () {
  this.timeout(120_000);
  let token: string;
  let cases = 0;
  const statuses = new Map<number, number>();

  const server = useTestServer();
  before(async () => {
    token = (await server.guestToken("fuzzer")).token;
  });
  after(async () => {
    for (const [status, n] of httpStatuses) statuses.set(status, (statuses.get(status) ?? 0) + n);
    note(`http fuzz: ${cases} hostile requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
  });

  async function check(response: Response, what: string): Promise<void> {
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status < 400) return void (await response.body?.cancel());
    const text = await response.text();
    assert.notEqual(response.status, 500, `500 for ${what}: ${text.slice(0, 300)}`);
    let body: ErrorBody;
    try {
      body = JSON.parse(text) as ErrorBody;
    } catch {
      throw new Error(`${response.status} without a JSON body for ${what}: ${text.slice(0, 200)}`);
    }
    assert.ok(body.error && typeof body.error.message === "string", `error shape for ${what}: ${text.slice(0, 200)}`);
    assert.ok(Object.hasOwn(ErrorCodes, body.error.code), `undocumented code ${body.error.code} for ${what}`);
    assert.equal(ErrorCodes[body.error.code].status, response.status, `status/code mismatch for ${what}`);
  }

  it("every endpoint family answers junk with a documented error and never 500", async () => {
    const findings = new Findings("throw");
    await fuzzHttp({ httpUrl: server.httpUrl, wsUrl: server.wsUrl, adminKey: TEST_ADMIN_KEY }, token, RUNS, findings);
    cases += findings.total;
    assert.ok(findings.clean);
  });

  it("huge headers are refused before routing with 431 HEADERS_TOO_LARGE in the error shape, and the server keeps serving", async () => {
    for (const [path, size] of [["/v1/leaderboards", 20_000], ["/v1/leaderboards/rating/stream", 70_000], ["/matchmake/joinOrCreate/game", 17_000]] as const) {
      cases++;
      const response = await fetch(`${server.httpUrl}${path}`, { headers: { "x-junk": "h".repeat(size), authorization: `Bearer ${"t".repeat(size)}` } });
      assert.equal(response.status, 431);
      assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
      assert.equal(response.headers.get("connection"), "close");
      await check(response, `${size}-byte headers on ${path}`);
    }
    // Many small headers add up the same way.
    cases++;
    const many = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`x-h${i}`, "v".repeat(60)]));
    const response = await fetch(`${server.httpUrl}/healthz`, { headers: many });
    assert.equal(response.status, 431);
    assert.equal(((await response.clone().json()) as ErrorBody).error.code, "HEADERS_TOO_LARGE");
    await check(response, "400 headers");
    const alive = await fetch(`${server.httpUrl}/healthz`);
    assert.equal(alive.status, 200);
    await alive.body?.cancel();
  });

  it("malformed HTTP is answered 400 BAD_REQUEST in the error shape (not Node's bare status line)", async () => {
    const rawExchange = (bytes: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(server.port, "127.0.0.1", () => socket.write(bytes));
        let answer = "";
        socket.setEncoding("utf8");
        socket.on("data", (chunk: string) => (answer += chunk));
        socket.on("close", () => resolve(answer));
        socket.on("error", reject);
      });
    for (const bytes of ["GARBAGE\r\n\r\n", "GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n", "GET /healthz HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "\u0000\u0001\u0002\r\n\r\n"]) {
      cases++;
      const answer = await rawExchange(bytes);
      const [head, body] = answer.split("\r\n\r\n");
      assert.match(head ?? "", /^HTTP\/1\.1 400 Bad Request\r\n/, JSON.stringify(bytes));
      assert.match(head ?? "", /\r\nContent-Type: application\/json/i);
      statuses.set(400, (statuses.get(400) ?? 0) + 1);
      const parsed = JSON.parse(body ?? "") as ErrorBody;
      assert.equal(parsed.error.code, "BAD_REQUEST");
      assert.equal(ErrorCodes.BAD_REQUEST.status, 400);
    }
    const alive = await fetch(`${server.httpUrl}/healthz`);
    assert.equal(alive.status, 200);
    await alive.body?.cancel();
  });
});
