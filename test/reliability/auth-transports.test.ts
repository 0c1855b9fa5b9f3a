import assert from "node:assert/strict";
import { Client } from "@colyseus/sdk";
import { TokenService } from "../../server/token-service.ts";
import { GameState, type ErrorBody } from "../../shared/index.ts";
import { TEST_TOKEN_SECRET, useTestServer, type TestServer } from "../helpers/test-server.ts";

/**
 * One table: every bad-token kind × every transport that takes a token.
 * Rooms answer a failed onAuth with Colyseus's 525 and a message that starts
 * with the project's code; HTTP answers 401 with `{error:{code}}`.
 */
type Kind = "expired" | "tampered" | "wrong-secret" | "missing" | "garbage";
const EXPECTED: Record<Kind, string> = {
  expired: "TOKEN_EXPIRED",
  tampered: "TOKEN_INVALID",
  "wrong-secret": "TOKEN_INVALID",
  missing: "UNAUTHORIZED",
  garbage: "TOKEN_INVALID",
};

interface Transport {
  name: string;
  /** Resolves with the error code the server answered (or "OK" when it let the request in). */
  attempt(server: TestServer, token: string | undefined): Promise<string>;
  /** What a missing token gets (public endpoints let it in). */
  missing?: string;
}

async function httpCode(response: Response): Promise<string> {
  if (response.status < 400) {
    await response.body?.cancel();
    return "OK";
  }
  const body = (await response.json()) as ErrorBody;
  if (["TOKEN_EXPIRED", "TOKEN_INVALID", "UNAUTHORIZED"].includes(body.error.code)) assert.equal(response.status, 401, `status for ${body.error.code}`);
  assert.ok(response.headers.get("www-authenticate") === null || /Bearer/.test(response.headers.get("www-authenticate")!));
  return body.error.code;
}

const bearer = (token: string | undefined): Record<string, string> => (token === undefined ? {} : { authorization: `Bearer ${token}` });

const transports: Transport[] = [
  {
    name: "room join (game, stock SDK)",
    async attempt(server, token) {
      const client = new Client(server.wsUrl);
      if (token !== undefined) client.auth.token = token;
      try {
        const room = await client.create("game", {}, GameState);
        await room.leave();
        return "OK";
      } catch (error) {
        const match = /^([A-Z_]+):/.exec((error as Error).message);
        return match?.[1] ?? `unexpected: ${(error as Error).message}`;
      }
    },
  },
  {
    name: "leaderboard SSE stream (Authorization header)",
    missing: "OK", // LEADERBOARDS_PUBLIC: no token is fine, a bad one is not
    async attempt(server, token) {
      const controller = new AbortController();
      const response = await fetch(`${server.httpUrl}/v1/leaderboards/rating/stream`, { headers: bearer(token), signal: controller.signal });
      const code = response.status < 400 ? "OK" : await httpCode(response);
      controller.abort();
      return code;
    },
  },
  {
    name: "leaderboard SSE stream (access_token query)",
    missing: "OK",
    async attempt(server, token) {
      const controller = new AbortController();
      const query = token === undefined ? "" : `?access_token=${encodeURIComponent(token)}`;
      const response = await fetch(`${server.httpUrl}/v1/leaderboards/rating/stream${query}`, { signal: controller.signal });
      const code = response.status < 400 ? "OK" : await httpCode(response);
      controller.abort();
      return code;
    },
  },
  {
    name: "leaderboard long-poll changes",
    missing: "OK",
    async attempt(server, token) {
      return httpCode(await fetch(`${server.httpUrl}/v1/leaderboards/rating/changes?wait=0`, { headers: bearer(token) }));
    },
  },
  {
    name: "match result long poll",
    async attempt(server, token) {
      return httpCode(await fetch(`${server.httpUrl}/v1/matches/m_nonexistent/result?wait=1`, { headers: bearer(token) }));
    },
  },
  {
    name: "match feed long poll",
    async attempt(server, token) {
      return httpCode(await fetch(`${server.httpUrl}/v1/matches/results?wait=1`, { headers: bearer(token) }));
    },
  },
  {
    name: "league API (list)",
    async attempt(server, token) {
      return httpCode(await fetch(`${server.httpUrl}/v1/leagues`, { headers: bearer(token) }));
    },
  },
  {
    name: "league API (create)",
    async attempt(server, token) {
      return httpCode(
        await fetch(`${server.httpUrl}/v1/leagues`, { method: "POST", headers: { ...bearer(token), "content-type": "application/json" }, body: JSON.stringify({ name: "Nope", teamCount: 2 }) }),
      );
    },
  },
  {
    name: "token refresh",
    async attempt(server, token) {
      return httpCode(await fetch(`${server.httpUrl}/v1/auth/refresh`, { method: "POST", headers: bearer(token) }));
    },
  },
];

describe("reliability: bad tokens on every transport", function () {
  this.timeout(30_000);
  const tokens = {} as Record<Kind, string | undefined>;

  const server = useTestServer();
  before(async () => {
    const valid = (await server.guestToken("victim")).token;
    const past = new TokenService({ secret: TEST_TOKEN_SECRET, ttlSeconds: 60, now: () => Math.floor(Date.now() / 1000) - 3600 });
    tokens.expired = (await past.issue({ playerId: "p_abcdefghijkl", name: "Old" })).token;
    // Flip the payload, keep the signature: a claim edit the signature must catch.
    const [header, payload, signature] = valid.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
    tokens.tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, name: "Admin" })).toString("base64url")}.${signature}`;
    tokens["wrong-secret"] = (await new TokenService({ secret: "w".repeat(40), ttlSeconds: 600 }).issue({ playerId: "p_abcdefghijkl", name: "F" })).token;
    tokens.missing = undefined;
    tokens.garbage = "not-a-jwt";
  });

  for (const transport of transports) {
    it(`${transport.name}: expired, tampered, wrong-secret, missing, garbage`, async () => {
      const seen: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const kind of Object.keys(EXPECTED) as Kind[]) {
        seen[kind] = await transport.attempt(server, tokens[kind]);
        want[kind] = kind === "missing" && transport.missing ? transport.missing : EXPECTED[kind];
      }
      assert.deepEqual(seen, want);
      // And a valid token gets in (the table is not passing because everything is refused).
      assert.equal(await transport.attempt(server, (await server.guestToken("ok")).token).then((c) => (c === "NOT_FOUND" ? "OK" : c)), "OK");
    });
  }
});
