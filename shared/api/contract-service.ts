import { z } from "zod";
import { GuestAuthRequest } from "../auth.ts";
import { LeaderboardId } from "../leaderboards.ts";
import { HealthResponseSchema, ReadinessResponseSchema, SdkManifestResponseSchema, TokenResponseSchema } from "./schemas.ts";
import { BODY_ERRORS, TOKEN_ERRORS, type ContractPart } from "./route-contract.ts";

const FILE = z.object({ file: z.string() });

const MetricName = z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,199}$/, "a Prometheus metric name");
/** `GET /metrics?name=a&name=b`: only those metrics (a cheap read of a few gauges; a full scrape walks every socket). */
export const MetricsQuery = z.strictObject({ name: z.union([MetricName, z.array(MetricName).max(50)]).optional() });

/** Operations, sign-in, matchmaking, and the pages and files the server serves. */
export const SERVICE_CONTRACT = {
  "GET /healthz": {
    tag: "Operations",
    summary: "Liveness: the process is up",
    response: HealthResponseSchema,
    errors: [],
  },
  "GET /readyz": {
    tag: "Operations",
    summary: "Readiness: the process should get traffic",
    description: "503 with the same body (and `Retry-After` while draining) when a check fails: the store, the matchmaker, the drain.",
    response: ReadinessResponseSchema,
    statuses: { 200: "Ready", 503: "Not ready, or draining (with `Retry-After`)" },
    errors: [],
  },
  "GET /metrics": {
    tag: "Operations",
    summary: "Prometheus metrics",
    description:
      "Every metric, or with `name` (repeatable) only the metrics named: names this process does not have are left out. A full scrape reads gauges that walk every open socket (about 30 ms at 10,000 connections); `?name=longpoll_pending` costs next to nothing.",
    query: MetricsQuery,
    contentType: "text/plain; version=0.0.4; charset=utf-8",
    errors: ["VALIDATION_FAILED"],
  },
  "POST /v1/auth/guest": {
    tag: "Auth",
    summary: "Sign in as a guest",
    description: "A fresh player id and a token for it. Limited per client address by GUEST_SIGNUPS_PER_MINUTE (429 `RATE_LIMITED`).",
    body: GuestAuthRequest,
    response: TokenResponseSchema,
    statuses: { 201: "Signed in" },
    errors: [...BODY_ERRORS, "RATE_LIMITED"],
  },
  "POST /v1/auth/refresh": {
    tag: "Auth",
    summary: "Refresh a token that is still valid",
    description: "A new token for the same player. An expired token cannot be refreshed: sign in again.",
    response: TokenResponseSchema,
    errors: [...TOKEN_ERRORS],
  },
  "POST /matchmake/:method/:roomName": {
    tag: "Matchmaking",
    summary: "Reserve a seat in a room (Colyseus's matchmaker)",
    description:
      "Colyseus's own HTTP endpoint, mounted on the same port: `method` is `joinOrCreate`, `create`, `join`, `joinById` or `reconnect`; the body " +
      "is the room's join options; the answer is a seat reservation for the WebSocket. Errors are Colyseus's `{code, error}` (e.g. 526 with " +
      "`CODE: message`), not this API's error body: see docs/protocol.md \"Matchmaking\". Join attempts count against JOIN_ATTEMPTS_PER_MINUTE.",
    params: z.object({ method: z.enum(["joinOrCreate", "create", "join", "joinById", "reconnect"]), roomName: z.string() }),
    body: z.record(z.string(), z.unknown()).describe("The room's join options (docs/protocol.md \"Every project room\")"),
    response: z.record(z.string(), z.unknown()).describe("Colyseus's seat reservation"),
    errors: ["RATE_LIMITED", "DRAINING", "STORE_UNAVAILABLE"],
  },
  "GET /": {
    tag: "Pages and files",
    summary: "The watch page: boards, live matches, results",
    contentType: "text/html; charset=utf-8",
    errors: [],
  },
  "GET /leaderboards/:id": {
    tag: "Pages and files",
    summary: "The watch page, on one board (an unknown id is shown as such by the page)",
    params: z.object({ id: z.string() }),
    contentType: "text/html; charset=utf-8",
    errors: [],
  },
  "GET /matches/:id": {
    tag: "Pages and files",
    summary: "The watch page, spectating one match (an unknown id is shown as such by the page)",
    params: z.object({ id: z.string() }),
    contentType: "text/html; charset=utf-8",
    errors: [],
  },
  "GET /leagues/:id/draft": {
    tag: "Pages and files",
    summary: "The live draft board of a league (members only: the page takes a player token from `#token=` or localStorage)",
    params: z.object({ id: z.string() }),
    contentType: "text/html; charset=utf-8",
    errors: [],
  },
  "GET /favicon.ico": {
    tag: "Pages and files",
    summary: "No icon (204, cached for a day)",
    statuses: { 204: "No icon" },
    errors: [],
  },
  "GET /web/:file": {
    tag: "Pages and files",
    summary: "One of the watch page's scripts or style sheets (web/*.js, web/*.css)",
    params: FILE,
    contentType: "text/javascript; charset=utf-8",
    errors: ["ROUTE_NOT_FOUND"],
  },
  "GET /sdk/manifest.json": {
    tag: "Pages and files",
    summary: "The SDK's browser build: hashed names, sizes, SRI",
    description: "docs/protocol.md \"The SDK over HTTP\". 503 `SDK_NOT_BUILT` when the server was started without the build.",
    response: SdkManifestResponseSchema,
    errors: ["SDK_NOT_BUILT"],
  },
  "GET /sdk/:file": {
    tag: "Pages and files",
    summary: "An SDK file (`client-sdk.js`, `leaderboards.js`, their maps, or a hashed name)",
    description: "The unhashed names are the current build (`Cache-Control: no-cache`, ETag); hashed names are immutable. Any origin may import them.",
    params: FILE,
    contentType: "text/javascript; charset=utf-8",
    errors: ["NOT_FOUND", "SDK_NOT_BUILT"],
  },
  "GET /openapi.json": {
    tag: "Pages and files",
    summary: "This document (OpenAPI 3.1)",
    contentType: "application/json",
    errors: [],
  },
  "GET /docs": {
    tag: "Pages and files",
    summary: "The API reference page (this document, rendered)",
    contentType: "text/html; charset=utf-8",
    errors: [],
  },
  "GET /docs/:file": {
    tag: "Pages and files",
    summary: "The reference page's script and styles (served from this server, no CDN)",
    params: FILE,
    contentType: "text/javascript; charset=utf-8",
    errors: ["NOT_FOUND"],
  },
} as const satisfies ContractPart;
