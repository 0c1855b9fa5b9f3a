import assert from "node:assert/strict";
import net from "node:net";
import fc from "fast-check";
import { ErrorCodes, type ErrorBody } from "../../shared/index.ts";
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from "../helpers/test-server.ts";
import { note } from "../helpers/quiet-console.ts";

/**
 * Hostile HTTP against every endpoint family (auth, leaderboards + admin,
 * matches, leagues, streams): bad JSON, bad query values, huge headers, bad
 * Last-Event-ID, bad cursors, junk ids and tokens. Every answer is a success
 * or a documented status with the `{error:{code,message}}` shape, never 500,
 * and the server keeps serving.
 */
const RUNS = Number(process.env.FUZZ_HTTP_RUNS ?? 400);

interface Endpoint {
  method: string;
  path: (id: string, id2: string) => string;
  /** Streams and long polls may legitimately hold the request open. */
  holds?: boolean;
  body?: boolean;
}

const endpoints: Endpoint[] = [
  { method: "POST", path: () => "/v1/auth/guest", body: true },
  { method: "POST", path: () => "/v1/auth/refresh", body: true },
  { method: "GET", path: () => "/v1/leaderboards" },
  { method: "GET", path: (id) => `/v1/leaderboards/${id}` },
  { method: "GET", path: (id, p) => `/v1/leaderboards/${id}/players/${p}` },
  { method: "GET", path: (id, p) => `/v1/leaderboards/${id}/around/${p}` },
  { method: "GET", path: (id) => `/v1/leaderboards/${id}/stream`, holds: true },
  { method: "GET", path: (id) => `/v1/leaderboards/${id}/changes`, holds: true },
  { method: "POST", path: () => "/v1/admin/leaderboards", body: true },
  { method: "PATCH", path: (id) => `/v1/admin/leaderboards/${id}`, body: true },
  { method: "POST", path: (id) => `/v1/admin/leaderboards/${id}/records`, body: true },
  { method: "GET", path: (id) => `/v1/admin/fantasy/leagues/${id}/rosters` },
  { method: "PUT", path: (id, p) => `/v1/admin/fantasy/leagues/${id}/rosters/${p}`, body: true },
  { method: "DELETE", path: (id, p) => `/v1/admin/fantasy/leagues/${id}/rosters/${p}` },
  { method: "POST", path: () => "/v1/admin/match-results", body: true },
  { method: "GET", path: () => "/v1/matches/results", holds: true },
  { method: "GET", path: (id) => `/v1/matches/${id}/result`, holds: true },
  { method: "GET", path: (id) => `/v1/matches/${id}` },
  { method: "GET", path: (id) => `/v1/matches/${id}/spectate`, holds: true },
  { method: "GET", path: (id) => `/v1/players/${id}/matches` },
  { method: "POST", path: () => "/v1/leagues", body: true },
  { method: "POST", path: () => "/v1/leagues/join", body: true },
  { method: "GET", path: () => "/v1/leagues" },
  { method: "GET", path: (id) => `/v1/leagues/${id}` },
];

const QUERY_KEYS = ["limit", "cursor", "period", "top", "since", "after", "wait", "access_token", "playerId", "x"];
const junk = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom("-1", "0", "1e309", "NaN", "Infinity", "9".repeat(40), "rating", "all", "weekly", "1", "5", "abc:1", "%00", "..", "../../etc/passwd", "null", "[]", "{}", "ÿ"),
  fc.integer({ min: 1000, max: 6000 }).map((n) => "z".repeat(n)),
);
const idArb = fc.oneof(fc.constantFrom("rating", "goals", "p_abcdefghijkl", "m_1", "lg_x", ""), fc.string({ minLength: 1, maxLength: 40 }));
const bodyArb = fc.oneof(
  fc.json().map((text) => ({ text, type: "application/json" })),
  fc.anything({ maxDepth: 2 }).map((v) => ({ text: JSON.stringify(v) ?? "null", type: "application/json" })),
  fc.string({ maxLength: 200 }).map((text) => ({ text, type: "application/json" })), // mostly invalid JSON
  fc.constantFrom("{", "{\"name\":", "[1,2", "\u0000", "{\"__proto__\":{\"admin\":true}}", "nul").map((text) => ({ text, type: "application/json" })),
  fc.string({ maxLength: 200 }).map((text) => ({ text, type: "text/plain" })),
  fc.integer({ min: 200_000, max: 1_200_000 }).map((n) => ({ text: `{"name":"${"a".repeat(n)}"}`, type: "application/json" })),
);
const authArb = fc.oneof(
  fc.constant<"none" | "valid" | "admin">("none"),
  fc.constant<"none" | "valid" | "admin">("valid"),
  fc.constant<"none" | "valid" | "admin">("admin"),
  fc.string({ maxLength: 80 }).map((s) => `Bearer ${s}`),
  fc.constantFrom("Bearer", "Basic Zm9vOmJhcg==", "Bearer a.b.c", "bearer  x"),
);

function encodePath(s: string): string {
  return encodeURIComponent(s);
}

describe("reliability: hostile HTTP input (fast-check)", function () {
  this.timeout(120_000);
  let server: TestServer;
  let token: string;
  let cases = 0;
  const statuses = new Map<number, number>();

  before(async () => {
    server = await startTestServer();
    token = (await server.guestToken("fuzzer")).token;
  });
  after(async () => {
    await server.close();
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
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...endpoints),
        idArb,
        idArb,
        fc.dictionary(fc.constantFrom(...QUERY_KEYS), junk, { maxKeys: 4 }),
        fc.option(bodyArb, { nil: undefined }),
        authArb,
        fc.option(junk, { nil: undefined }),
        async (endpoint, id, id2, query, body, auth, lastEventId) => {
          cases++;
          const params = new URLSearchParams(query);
          // Holding endpoints: keep any valid wait short so a parked request ends fast.
          if (endpoint.holds && params.has("wait")) params.set("wait", "0");
          const url = `${server.httpUrl}${endpoint.path(encodePath(id), encodePath(id2))}${params.size ? `?${params}` : ""}`;
          const headers: Record<string, string> = {};
          if (auth === "valid") headers.authorization = `Bearer ${token}`;
          else if (auth === "admin") headers["x-admin-key"] = TEST_ADMIN_KEY;
          else if (auth !== "none") headers.authorization = auth;
          if (lastEventId !== undefined) headers["last-event-id"] = lastEventId.replace(/[\r\n\0]/g, "");
          if (body && endpoint.body) headers["content-type"] = body.type;
          const controller = new AbortController();
          const timer = setTimeout(() => controller.abort(), 1500);
          try {
            const response = await fetch(url, { method: endpoint.method, headers, body: endpoint.body ? body?.text : undefined, signal: controller.signal, redirect: "manual" });
            // A 200 stream stays open: only its status matters here.
            if (response.status === 200 && endpoint.holds) {
              statuses.set(200, (statuses.get(200) ?? 0) + 1);
              controller.abort();
              return;
            }
            await check(response, `${endpoint.method} ${url.slice(0, 200)}`);
          } catch (error) {
            if (!(endpoint.holds && controller.signal.aborted)) throw error;
          } finally {
            clearTimeout(timer);
          }
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
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
