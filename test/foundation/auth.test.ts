import assert from "node:assert/strict";
import { TokenService } from "../../server/token-service.ts";
import { AppError, type ErrorBody, type TokenResponse } from "../../shared/index.ts";
import { TEST_TOKEN_SECRET, useTestServer } from "../helpers/test-server.ts";

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { response, json: (await response.json()) as any };
}

describe("auth", () => {
  describe("TokenService", () => {
    it("issues tokens that verify to the same identity and expire on time", async () => {
      let now = 1_000_000;
      const tokens = new TokenService({ secret: TEST_TOKEN_SECRET, ttlSeconds: 60, now: () => now });
      const issued = await tokens.issue({ playerId: "p_abcdefghijkl", name: "Ada" });
      assert.equal(issued.expiresAt, now + 60);
      const claims = await tokens.verify(issued.token);
      assert.deepEqual(claims, { playerId: "p_abcdefghijkl", name: "Ada", issuedAt: now, expiresAt: now + 60 });
      now += 59;
      await tokens.verify(issued.token);
      now += 1;
      await assert.rejects(tokens.verify(issued.token), (e: unknown) => e instanceof AppError && e.code === "TOKEN_EXPIRED");
    });

    it("rejects tampered tokens, other secrets and other algorithms", async () => {
      const tokens = new TokenService({ secret: TEST_TOKEN_SECRET, ttlSeconds: 60 });
      const other = new TokenService({ secret: "another-secret-0123456789-abcdefghijk", ttlSeconds: 60 });
      const { token } = await tokens.issue({ playerId: "p_abcdefghijkl", name: "Ada" });
      const [header, payload, signature] = token.split(".");
      const forged = JSON.parse(Buffer.from(payload, "base64url").toString());
      forged.sub = "p_zzzzzzzzzzzz";
      const tampered = `${header}.${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${signature}`;
      const unsigned = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
      const isInvalid = (e: unknown) => e instanceof AppError && e.code === "TOKEN_INVALID";
      await assert.rejects(tokens.verify(tampered), isInvalid);
      await assert.rejects(tokens.verify(unsigned), isInvalid);
      await assert.rejects(tokens.verify((await other.issue({ playerId: "p_abcdefghijkl", name: "A" })).token), isInvalid);
      await assert.rejects(tokens.verify("not-a-jwt"), isInvalid);
      await assert.rejects(tokens.verify(undefined), (e: unknown) => e instanceof AppError && e.code === "UNAUTHORIZED");
    });
  });

  describe("TokenService (remembered tokens)", () => {
    it("a token verified once is still checked for expiry, and no altered copy of it passes", async () => {
      let now = 2_000_000;
      const tokens = new TokenService({ secret: TEST_TOKEN_SECRET, ttlSeconds: 60, now: () => now });
      const { token } = await tokens.issue({ playerId: "p_abcdefghijkl", name: "Ada" });
      const claims = await tokens.verify(token);
      // Verified again (now from memory): the same claims, a copy the caller may change freely.
      const again = await tokens.verify(token);
      assert.deepEqual(again, claims);
      again.playerId = "p_changedbycaller";
      assert.equal((await tokens.verify(token)).playerId, "p_abcdefghijkl");
      const [header, payload, signature] = token.split(".");
      const forged = JSON.parse(Buffer.from(payload, "base64url").toString());
      forged.sub = "p_zzzzzzzzzzzz";
      const flip = (part: string) => `${part.slice(0, -2)}${part.at(-2) === "A" ? "B" : "A"}${part.at(-1)}`;
      const altered = [
        `${header}.${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${signature}`,
        `${header}.${payload}.${flip(signature)}`,
        `${flip(header)}.${payload}.${signature}`,
        `${header}.${payload}.`,
        `${token}.`,
      ];
      for (const candidate of altered) {
        await assert.rejects(tokens.verify(candidate), (e: unknown) => e instanceof AppError && e.code === "TOKEN_INVALID", candidate);
      }
      now += 59;
      assert.deepEqual(await tokens.verify(token), claims);
      now += 1;
      await assert.rejects(tokens.verify(token), (e: unknown) => e instanceof AppError && e.code === "TOKEN_EXPIRED");
      // And it stays expired (it is not remembered as valid again).
      await assert.rejects(tokens.verify(token), (e: unknown) => e instanceof AppError && e.code === "TOKEN_EXPIRED");
    });
  });

  describe("HTTP", () => {
    const server = useTestServer();

    it("POST /v1/auth/guest issues a token and a player id", async () => {
      const { response, json } = await post(`${server.httpUrl}/v1/auth/guest`, { name: "  Ada  " });
      assert.equal(response.status, 201);
      assert.equal(response.headers.get("cache-control"), "no-store");
      const body = json as TokenResponse;
      assert.equal(body.player.name, "Ada");
      assert.match(body.player.playerId, /^p_[0-9a-z]{26}$/);
      const claims = await server.server.tokens.verify(body.token);
      assert.equal(claims.playerId, body.player.playerId);
      assert.ok(body.expiresAt > Date.now() / 1000);
    });

    it("gives two guests two different player ids", async () => {
      const a = await server.guestToken("a");
      const b = await server.guestToken("b");
      assert.notEqual(a.playerId, b.playerId);
    });

    it("POST /v1/auth/refresh exchanges a valid token for a fresh one for the same player", async () => {
      const guest = await server.guestToken("Refresher");
      const { response, json } = await post(`${server.httpUrl}/v1/auth/refresh`, "", { authorization: `Bearer ${guest.token}` });
      assert.equal(response.status, 200);
      assert.equal(json.player.playerId, guest.playerId);
      assert.equal(json.player.name, "Refresher");
      assert.equal((await server.server.tokens.verify(json.token)).playerId, guest.playerId);
    });

    it("refuses to refresh expired, tampered, foreign and missing tokens with 401 + WWW-Authenticate", async () => {
      const past = new TokenService({ secret: TEST_TOKEN_SECRET, ttlSeconds: 60, now: () => Math.floor(Date.now() / 1000) - 3600 });
      const expired = (await past.issue({ playerId: "p_abcdefghijkl", name: "Old" })).token;
      const foreign = (await new TokenService({ secret: "x".repeat(40), ttlSeconds: 60 }).issue({ playerId: "p_abcdefghijkl", name: "F" })).token;
      const valid = (await server.guestToken()).token;
      const tampered = valid.slice(0, -3) + (valid.endsWith("AAA") ? "BBB" : "AAA");
      const cases: [Record<string, string>, string][] = [
        [{ authorization: `Bearer ${expired}` }, "TOKEN_EXPIRED"],
        [{ authorization: `Bearer ${tampered}` }, "TOKEN_INVALID"],
        [{ authorization: `Bearer ${foreign}` }, "TOKEN_INVALID"],
        [{ authorization: `Basic dXNlcjpwYXNz` }, "UNAUTHORIZED"],
        [{}, "UNAUTHORIZED"],
      ];
      for (const [headers, code] of cases) {
        const { response, json } = await post(`${server.httpUrl}/v1/auth/refresh`, "", headers);
        assert.equal(response.status, 401, code);
        assert.equal((json as ErrorBody).error.code, code);
        assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer realm="arena-lobby"/);
      }
    });

    it("validates the guest body: 400 with the issues, 415 for non-JSON, 400 for broken JSON, 413 when too large", async () => {
      for (const body of [{}, { name: "" }, { name: "x".repeat(25) }, { name: 42 }, { name: "ok", admin: true }, { name: "a\u0000b" }]) {
        const { response, json } = await post(`${server.httpUrl}/v1/auth/guest`, body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(json.error.code, "VALIDATION_FAILED");
        assert.ok(Array.isArray(json.error.details.issues) && json.error.details.issues.length > 0);
      }
      const text = await fetch(`${server.httpUrl}/v1/auth/guest`, { method: "POST", headers: { "content-type": "text/plain" }, body: "name=Ada" });
      assert.equal(text.status, 415);
      assert.equal(((await text.json()) as ErrorBody).error.code, "UNSUPPORTED_MEDIA_TYPE");
      const broken = await post(`${server.httpUrl}/v1/auth/guest`, '{"name": "Ada"');
      assert.equal(broken.response.status, 400);
      assert.equal(broken.json.error.code, "INVALID_JSON");
      const huge = await post(`${server.httpUrl}/v1/auth/guest`, { name: "a", pad: "x".repeat(server.config.http.bodyLimitBytes) });
      assert.equal(huge.response.status, 413);
      assert.equal(huge.json.error.code, "PAYLOAD_TOO_LARGE");
    });
  });
});
