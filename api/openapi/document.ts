import { z } from "zod";
import { createDocument, type ZodOpenApiContentObject, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject } from "zod-openapi";
import { CONTRACT, type RouteContract } from "../../shared/api/contract.ts";
import { ROUTES, routeMethod, routePath, type RouteKey } from "../../shared/api/routes.ts";
import { ErrorCodes, type ErrorCode } from "../../shared/errors.ts";
import { API_DESCRIPTION, COMPONENT_SCHEMAS, SECURITY_SCHEMES, TAGS } from "./words.ts";

/** What `createDocument` answers: an OpenAPI 3.1 object (plain JSON). */
export type OpenApiDocument = ReturnType<typeof createDocument>;

/**
 * The OpenAPI 3.1 document of the whole HTTP API, generated from the shared
 * route table (shared/api/routes.ts: method, path, auth, kind) and its
 * contract (shared/api/contract.ts: zod schemas, error codes, words) by
 * zod-openapi, which converts the zod 4 schemas with zod's own JSON Schema
 * (draft 2020-12, OpenAPI 3.1's dialect). Served at `/openapi.json` and
 * rendered at `/docs`.
 */
export function openApiDocument(): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const key of Object.keys(ROUTES) as RouteKey[]) {
    const path = openApiPath(routePath(key));
    const method = routeMethod(key).toLowerCase() as "get" | "post" | "put" | "patch" | "delete";
    paths[path] = { ...paths[path], [method]: operation(key) };
  }
  return createDocument({
    openapi: "3.1.0",
    info: { title: "Arena lobby API", version: "1", description: API_DESCRIPTION, license: { name: "MIT", identifier: "MIT" } },
    tags: TAGS,
    paths,
    components: { schemas: COMPONENT_SCHEMAS, securitySchemes: SECURITY_SCHEMES },
  });
}

/** `/v1/things/:id` → `/v1/things/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");
}

function operation(key: RouteKey): ZodOpenApiOperationObject {
  const contract: RouteContract = CONTRACT[key];
  const { auth } = ROUTES[key];
  const names = [...routePath(key).matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
  const declared = Object.keys(contract.params?.shape ?? {});
  if (names.join() !== declared.join()) throw new Error(`${key}: the contract's params (${declared.join(", ")}) must name the path's (${names.join(", ")})`);
  return {
    operationId: operationId(key),
    tags: [contract.tag],
    summary: contract.summary,
    description: contract.description,
    security: auth === "required" ? [{ bearer: [] }] : auth === "admin" ? [{ adminKey: [] }] : auth === "optional" ? [{}, { bearer: [] }] : [],
    requestParams: { ...(contract.params && { path: contract.params }), ...(contract.query && { query: contract.query }) },
    requestBody: contract.body ? { required: true, content: { "application/json": { schema: contract.body } } } : undefined,
    responses: { ...successResponses(contract), ...errorResponses(contract.errors) },
  };
}

/** `GET /v1/leaderboards/:id/players/:playerId` → `getV1LeaderboardsByIdPlayersByPlayerId`. */
function operationId(key: RouteKey): string {
  const words = routePath(key)
    .split("/")
    .filter(Boolean)
    .map((segment) => (segment.startsWith(":") ? `By${capital(segment.slice(1))}` : capital(segment.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase()))));
  return routeMethod(key).toLowerCase() + (words.join("") || "Root");
}

function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function successResponses(contract: RouteContract): ZodOpenApiResponsesObject {
  const statuses = contract.statuses ?? { 200: "OK" };
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, description] of Object.entries(statuses) as [`${number}`, string][]) {
    responses[status as "200"] = status === "204" ? { description } : { description, content: successContent(contract) };
  }
  return responses;
}

function successContent(contract: RouteContract): ZodOpenApiContentObject {
  if (contract.events) return { "text/event-stream": { schema: sseSchema(contract.events) } };
  if (contract.response) return { "application/json": { schema: contract.response } };
  const type = contract.contentType ?? "application/json";
  return { [type.split(";")[0]!]: { schema: type.startsWith("application/json") ? { type: "object" } : { type: "string" } } };
}

/**
 * An SSE stream's events as one schema: each `text/event-stream` event has
 * an `event:` name and a JSON `data:` line (and an `id:` where the stream is
 * resumable). OpenAPI 3.1 has no event model; this is the common encoding.
 */
function sseSchema(events: Record<string, z.ZodType>): z.ZodType {
  const each = Object.entries(events).map(([name, data]) =>
    z.strictObject({ event: z.literal(name), id: z.string().optional().describe("`epoch:version` on resumable streams (send it back as Last-Event-ID)"), data }).meta({ title: name }),
  );
  return z.union(each as unknown as [z.ZodType, z.ZodType]).describe("One server-sent event: `event: <name>`, `id: <id>` (resumable streams), `data: <JSON>`");
}

/** One response per error status, listing its codes; every route may also answer 500 INTERNAL. */
function errorResponses(codes: readonly ErrorCode[]): ZodOpenApiResponsesObject {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set<ErrorCode>([...codes, "INTERNAL"])) {
    const status = ErrorCodes[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const retry = status === 429 || status === 503;
    responses[String(status) as "400"] = {
      description: list.map((code) => `\`${code}\``).join(", "),
      headers: retry ? { "Retry-After": { description: "Seconds to wait before trying again", schema: { type: "integer", minimum: 1 } } } : undefined,
      content: {
        "application/json": {
          schema: { allOf: [{ $ref: "#/components/schemas/ErrorBody" }, { type: "object", properties: { error: { type: "object", properties: { code: { enum: list } } } } }] },
          example: { error: { code: list[0], message: "What went wrong, and what to do about it" } },
        },
      },
    };
  }
  return responses;
}
