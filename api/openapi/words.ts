import type { z } from "zod";
import * as leaderboardSchemas from "../../shared/api/leaderboard-schemas.ts";
import * as schemas from "../../shared/api/schemas.ts";

/** The document's introduction (Markdown): what holds for every route. */
export const API_DESCRIPTION = `The HTTP side of the arena lobby server: sign-in, leaderboards (reads, live SSE streams and their long-poll twin), match results (long polls, the results feed, history, spectating over SSE), fantasy leagues, and the operator's admin API. Rooms themselves are WebSocket (Colyseus); their protocol is in docs/protocol.md.

**Auth.** Player routes take \`Authorization: Bearer <token>\` (a JWT from \`POST /v1/auth/guest\`, or one your own auth mints with the shared secret). Routes that take a token optionally (security: none, or bearer) verify one when it is sent (a private league board needs a member's). SSE streams also accept \`?access_token=\` (a browser's EventSource cannot set headers). Admin routes take \`X-Admin-Key\` (the server's ADMIN_KEY), never a player token.

**Errors.** Every error answer is \`{"error": {"code", "message", "details?"}}\`; the status follows from the code (docs/protocol.md "Error codes"), and the message says what to do. 429 and 503 answers carry \`Retry-After\`. Any route may answer 500 \`INTERNAL\` (its message is never shown).

**Long polls** hold a request until something changes or \`wait\` seconds pass, then answer 200 with \`changed: false\`: poll again with the cursor they return. **SSE streams** send a heartbeat comment every STREAM_HEARTBEAT_MS and are closed by the server after STREAM_LIFETIME_MS: reconnect.

The SDK (\`/sdk/client-sdk.js\`, \`/sdk/leaderboards.js\`) calls these routes with the same types: \`client.http.call("GET /v1/leaderboards/:id", …)\`.`;

export const TAGS = [
  { name: "Auth", description: "Guest sign-in and token refresh" },
  { name: "Leaderboards", description: "Reads, live streams (SSE) and their long-poll twin" },
  { name: "Match results", description: "Long polls, the results feed, history, spectating (SSE)" },
  { name: "Fantasy leagues", description: "Create, join, list, read" },
  { name: "Matchmaking", description: "Colyseus's seat reservations, on the same port" },
  { name: "Admin", description: "Operator routes (`X-Admin-Key`)" },
  { name: "Operations", description: "Health, readiness, metrics" },
  { name: "Pages and files", description: "The leaderboard page, the SDK's browser build, this reference" },
];

export const SECURITY_SCHEMES = {
  bearer: { type: "http" as const, scheme: "bearer", bearerFormat: "JWT", description: "A player's token (`POST /v1/auth/guest`)" },
  adminKey: { type: "apiKey" as const, in: "header", name: "X-Admin-Key", description: "The server's ADMIN_KEY (operators only)" },
};

/** The named schemas of the document (`#/components/schemas/<Name>`): every `…Schema` export of shared/api, without the suffix. */
export const COMPONENT_SCHEMAS: Record<string, z.ZodType> = Object.fromEntries(
  Object.entries({ ...schemas, ...leaderboardSchemas } as Record<string, unknown>)
    .filter(([name]) => name.endsWith("Schema"))
    .map(([name, schema]) => [name.slice(0, -"Schema".length), schema as z.ZodType]),
);
