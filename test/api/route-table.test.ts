import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { listRoutes } from "../../api/app.ts";
import { contractRouter } from "../../api/contract-router.ts";
import { CONTRACT } from "../../shared/api/contract.ts";
import { ADMIN_PATH_PREFIX, ROUTES, fillPath, routeMethod, routePath, type RouteKey } from "../../shared/api/routes.ts";
import type { ErrorBody } from "../../shared/errors.ts";
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from "../helpers/test-server.ts";

/**
 * Compile-time checks (tsc runs over this file; the function never runs):
 * a router serves routes of the shared table by key, and each handler is
 * typed by the contract.
 */
export function contractRouterTypes(): void {
  contractRouter({
    "GET /healthz": () => ({ status: "ok", uptimeSeconds: 1 }),
    "GET /v1/leaderboards/:id": (_ctx, request) => {
      const id: string = request.params.id;
      const limit: number = request.query("q").limit;
      // @ts-expect-error: the route has no `playerId` parameter
      void request.params.playerId;
      void id;
      void limit;
    },
  });
  contractRouter({
    // @ts-expect-error: the answer is a HealthResponse (`status: "ok"`)
    "GET /healthz": () => ({ status: "fine", uptimeSeconds: 1 }),
  });
  contractRouter({
    // @ts-expect-error: not a route of the table (a path is never spelled in api/)
    "GET /v1/healthz": () => undefined,
  });
  contractRouter({
    "POST /v1/leagues": (_ctx, request) => {
      // @ts-expect-error: the league body has `name`, not `title`
      void request.body("league").title;
    },
  });
}

const ADMIN_HEADERS = { "x-admin-key": TEST_ADMIN_KEY };
const ROOT = new URL("../..", import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("api: routes are registered from the table only", () => {
  it("no file of api/ makes a Koa router or registers a path of its own (contractRouter does, from shared/api/routes.ts)", () => {
    const spelled: string[] = [];
    for (const file of sources(join(ROOT, "api"))) {
      const name = relative(ROOT, file);
      if (name === "api/contract-router.ts") continue;
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (/new Router\b|\.(get|post|put|patch|delete|all|register|use)\(\s*\[?\s*["'`]\//.test(line)) spelled.push(`${name}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(spelled, []);
  });

  it("the admin routes, and only they, live under ADMIN_PATH_PREFIX (the key is checked there before a body is read)", () => {
    assert.equal(ADMIN_PATH_PREFIX, "/v1/admin");
    for (const key of Object.keys(ROUTES) as RouteKey[]) {
      assert.equal(routePath(key).startsWith(`${ADMIN_PATH_PREFIX}/`), ROUTES[key].auth === "admin", key);
    }
  });
});

describe("api: the route table (shared/api/routes.ts) is what the server answers", function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it("every route the server answers is in the table, and every route of the table is answered", () => {
    const answered = new Set<string>();
    const mounts: string[] = [];
    for (const route of listRoutes(server.server.api)) {
      if (route.mount) mounts.push(route.path);
      for (const method of route.methods.filter((m) => m !== "HEAD")) answered.add(`${method} ${route.path}`);
    }
    const keys = Object.keys(ROUTES) as RouteKey[];
    const routed = keys.filter((key) => ROUTES[key].kind !== "mount");
    assert.deepEqual([...answered].sort(), [...routed].sort(), "the app's router routes are exactly the table's (less its mounts)");
    const mounted = keys.filter((key) => ROUTES[key].kind === "mount");
    assert.deepEqual(
      mounts.sort(),
      mounted.map((key) => mounts.find((prefix) => routePath(key).startsWith(prefix)) ?? `(no mount for ${key})`).sort(),
      "each mount route of the table is a raw mount of the app, and each raw mount is in the table",
    );
    assert.deepEqual(Object.keys(CONTRACT).sort(), [...keys].sort(), "the contract describes exactly the table's routes");
  });

  it("each route asks for the auth its table entry names: `required` answers 401 without a token, `admin` 403 without the key", async () => {
    const checked: string[] = [];
    for (const key of Object.keys(ROUTES) as RouteKey[]) {
      const { auth, kind } = ROUTES[key];
      if (kind === "mount" || (auth !== "required" && auth !== "admin")) continue;
      const path = fillPath(routePath(key), new Proxy({}, { get: () => "x" }) as Record<string, string>);
      const response = await fetch(`${server.httpUrl}${path}`, {
        method: routeMethod(key),
        headers: { "content-type": "application/json" },
        body: routeMethod(key) === "GET" ? undefined : "{}",
      });
      const body = (await response.json()) as ErrorBody;
      const expected = auth === "required" ? [401, "UNAUTHORIZED"] : [403, "FORBIDDEN"];
      assert.deepEqual([response.status, body.error.code], expected, `${key} (auth: ${auth})`);
      checked.push(key);
    }
    assert.ok(checked.length >= 15, `checked ${checked.length} routes`);
  });

  it("the answers have the shapes of the contract's response schemas", async () => {
    const { token, playerId } = await server.guestToken("Shape");
    const bearer = { authorization: `Bearer ${token}` };
    const write = await fetch(`${server.httpUrl}/v1/admin/leaderboards/goals/records`, {
      method: "POST",
      headers: { "content-type": "application/json", ...ADMIN_HEADERS },
      body: JSON.stringify({ records: [{ ownerId: playerId, score: 3, name: "Shape" }] }),
    });
    const checks: [RouteKey, string, Record<string, string>?][] = [
      ["GET /healthz", "/healthz"],
      ["GET /v1/leaderboards", "/v1/leaderboards"],
      ["GET /v1/leaderboards/:id", "/v1/leaderboards/goals"],
      ["GET /v1/leaderboards/:id/players/:playerId", `/v1/leaderboards/goals/players/${playerId}`],
      ["GET /v1/leaderboards/:id/around/:playerId", `/v1/leaderboards/goals/around/${playerId}`],
      ["GET /v1/leaderboards/:id/changes", "/v1/leaderboards/goals/changes?wait=0"],
      ["GET /v1/matches/results", "/v1/matches/results", bearer],
      ["GET /v1/players/:id/matches", `/v1/players/${playerId}/matches`, bearer],
      ["GET /v1/leagues", "/v1/leagues", bearer],
      ["GET /sdk/manifest.json", "/sdk/manifest.json"],
    ];
    const schemaOf = (key: RouteKey) => (CONTRACT[key] as { response?: { parse(value: unknown): unknown } }).response;
    const written = await write.text();
    assert.equal(write.status, 200, written);
    assert.doesNotThrow(() => schemaOf("POST /v1/admin/leaderboards/:id/records")!.parse(JSON.parse(written)), written);
    for (const [key, path, headers] of checks) {
      const response = await fetch(`${server.httpUrl}${path}`, { headers });
      assert.equal(response.status, 200, `${key}: ${response.status}`);
      const body: unknown = await response.json();
      assert.doesNotThrow(() => schemaOf(key)!.parse(body), `${key} answered ${JSON.stringify(body).slice(0, 300)}`);
    }
  });
});
