import assert from "node:assert/strict";
import http from "node:http";
import { Validator } from "@seriousme/openapi-schema-validator";
import type { Browser } from "playwright-core";
import { listRoutes } from "../../api/app.ts";
import { ErrorCodes } from "../../shared/errors.ts";
import { launchChromium } from "../helpers/browser.ts";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";

interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string }[];
  responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown> }>; headers?: Record<string, unknown> }>;
}
interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; scheme?: string; bearerFormat?: string; in?: string; name?: string; description?: string }> };
}

/** `/v1/things/{id}` → `/v1/things/:id` (the router's spelling). */
const routerPath = (path: string) => path.replace(/\{([^}]+)\}/g, ":$1");

describe("api: the OpenAPI document (/openapi.json) and the reference page (/docs)", function () {
  this.timeout(60_000);
  let server: TestServer;
  let doc: OpenApi;
  let operations: [string, Operation][];
  before(async () => {
    server = await startTestServer();
    const response = await fetch(`${server.httpUrl}/openapi.json`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
    doc = (await response.json()) as OpenApi;
    operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => [`${method.toUpperCase()} ${routerPath(path)}`, op] as [string, Operation]));
  });
  after(() => server.close());

  it("is a valid OpenAPI 3.1 document (checked by an independent validator, @seriousme/openapi-schema-validator)", async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    assert.equal(validator.version, "3.1");
    assert.deepEqual(result.errors ?? [], [], "no schema errors");
    assert.equal(result.valid, true);
    const ids = operations.map(([, op]) => op.operationId);
    assert.equal(new Set(ids).size, ids.length, "operation ids are unique");
  });

  it("describes every route the server answers (its routers' and its raw mounts'), and no other", () => {
    const described = new Set(operations.map(([key]) => key));
    const answered = new Set<string>();
    for (const route of listRoutes(server.server.api)) {
      if (route.mount) {
        const covered = [...described].filter((key) => key.split(" ")[1]!.startsWith(route.path));
        assert.ok(covered.length > 0, `the mount ${route.path} (${route.mount.label}) is described`);
        covered.forEach((key) => answered.add(key));
      }
      for (const method of route.methods.filter((m) => m !== "HEAD")) answered.add(`${method} ${route.path}`);
    }
    assert.deepEqual([...described].sort(), [...answered].sort());
  });

  it("documents the SSE streams as text/event-stream with their events, and the long polls' wait and `changed: false`", () => {
    const op = (key: string) => operations.find(([k]) => k === key)![1];
    const eventsOf = (key: string) => {
      const schema = op(key).responses["200"]!.content!["text/event-stream"]!.schema as { anyOf: { properties: { event: { const: string } } }[] };
      return schema.anyOf.map((variant) => variant.properties.event.const).sort();
    };
    assert.deepEqual(eventsOf("GET /v1/leaderboards/:id/stream"), ["delta", "snapshot"]);
    assert.deepEqual(eventsOf("GET /v1/matches/:id/spectate"), ["finished", "state"]);
    for (const key of ["GET /v1/leaderboards/:id/changes", "GET /v1/matches/results", "GET /v1/matches/:id/result"]) {
      const poll = op(key);
      assert.ok(poll.parameters?.some((p) => p.in === "query" && p.name === "wait"), `${key} takes wait`);
      assert.match(poll.description ?? "", /changed: false/, `${key} says how a hold ends`);
      assert.ok(poll.responses["200"]!.content!["application/json"], `${key} answers JSON`);
    }
  });

  it("documents every error answer with the shared error body and its codes, and both auth schemes", () => {
    assert.ok(doc.components.schemas.ErrorBody, "the shared error body is a component");
    const { type, scheme, bearerFormat } = doc.components.securitySchemes.bearer!;
    assert.deepEqual({ type, scheme, bearerFormat }, { type: "http", scheme: "bearer", bearerFormat: "JWT" });
    assert.equal(doc.components.securitySchemes.adminKey!.name, "X-Admin-Key");
    for (const [key, op] of operations) {
      assert.ok(op.responses["500"], `${key} lists 500 INTERNAL`);
      // `/readyz` answers 503 with its readiness body (not an error): the one non-error answer above 399.
      for (const [status, response] of Object.entries(op.responses).filter(([s]) => Number(s) >= 400 && !(key === "GET /readyz" && s === "503"))) {
        const schema = response.content?.["application/json"]?.schema as { allOf: [{ $ref: string }, { properties: { error: { properties: { code: { enum: string[] } } } } }] };
        assert.equal(schema.allOf[0].$ref, "#/components/schemas/ErrorBody", `${key} ${status}`);
        for (const code of schema.allOf[1].properties.error.properties.code.enum) {
          assert.equal(ErrorCodes[code as keyof typeof ErrorCodes]?.status, Number(status), `${key}: ${code} is answered with ${status}`);
        }
        if (status === "429" || status === "503") assert.ok(response.headers?.["Retry-After"], `${key} ${status} has Retry-After`);
      }
      const schemes = (op.security ?? []).flatMap((requirement) => Object.keys(requirement));
      if (key.startsWith("POST /v1/admin") || key.includes(" /v1/admin/")) assert.deepEqual(schemes, ["adminKey"], key);
    }
    const refresh = operations.find(([key]) => key === "POST /v1/auth/refresh")![1];
    assert.deepEqual(refresh.security, [{ bearer: [] }]);
    assert.deepEqual(Object.keys(refresh.responses).sort(), ["200", "401", "500"]);
  });

  it("serves /openapi.json to any origin and /docs with a CSP that allows only this server", async () => {
    const json = await fetch(`${server.httpUrl}/openapi.json`, { headers: { origin: "https://elsewhere.example" } });
    assert.equal(json.headers.get("access-control-allow-origin"), "*");
    const page = await fetch(`${server.httpUrl}/docs`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    const csp = page.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /connect-src 'self'(;|$)/);
    const bundle = await fetch(`${server.httpUrl}/docs/swagger-ui-bundle.js`);
    assert.equal(bundle.status, 200);
    assert.equal(bundle.headers.get("content-encoding"), "gzip", "the 1.8 MB bundle goes gzipped to clients that take it");
    assert.match(bundle.headers.get("content-type") ?? "", /^text\/javascript/);
    assert.match(await bundle.text(), /SwaggerUIBundle/);
    // node:http, not fetch: fetch marks a request with If-None-Match `Cache-Control: no-cache`, which a server must answer in full.
    const again = await new Promise<number | undefined>((resolve, reject) => {
      const headers = { "accept-encoding": "gzip", "if-none-match": bundle.headers.get("etag")! };
      http.get(`${server.httpUrl}/docs/swagger-ui-bundle.js`, { headers }, (res) => resolve(res.resume().statusCode)).on("error", reject);
    });
    assert.equal(again, 304, "revalidated, not sent again");
    const missing = await fetch(`${server.httpUrl}/docs/nope.js`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, "NOT_FOUND");
  });

  describe("in headless Chromium", () => {
    let browser: Browser;
    before(async () => {
      browser = await launchChromium();
    });
    after(() => browser?.close());

    it("/docs renders every operation, and no request leaves this server", async () => {
      const page = await browser.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on("request", (request) => requests.push(request.url()));
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(message.text());
      });
      page.on("pageerror", (error) => problems.push(error.message));
      await page.goto(`${server.httpUrl}/docs`);
      await page.locator(".opblock").first().waitFor();
      assert.match((await page.locator(".information-container .title").textContent()) ?? "", /Arena lobby API/);
      assert.equal(await page.locator(".opblock").count(), operations.length, "one block per operation");
      assert.ok(await page.locator(".opblock-tag", { hasText: "Leaderboards" }).count());
      await page.close();
      const elsewhere = requests.filter((url) => !url.startsWith(`${server.httpUrl}/`) && !url.startsWith("data:"));
      assert.deepEqual(elsewhere, [], "every request goes to this server");
      assert.ok(requests.includes(`${server.httpUrl}/openapi.json`), "the page loads the document from this server");
      assert.deepEqual(problems, [], "no script errors and no CSP violations");
    });
  });
});
