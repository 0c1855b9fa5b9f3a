import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CONFIG_VARIABLES, ConfigError, loadConfig } from "../../server/config.ts";

describe("config", () => {
  it("starts with no configuration at all (embedded default on port 2567)", () => {
    const { config, warnings } = loadConfig({});
    assert.equal(config.port, 2567);
    assert.equal(config.env, "development");
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.tickRateHz, 40);
    assert.equal(config.patchRateHz, 20);
    assert.equal(config.corsOrigins, "*");
    assert.ok(config.tokenSecret.length >= 32, "a development secret is generated");
    assert.ok(warnings.some((w) => w.includes("TOKEN_SECRET")), "and loudly warned about");
    assert.ok(warnings.some((w) => w.includes("ADMIN_KEY")));
  });

  it("names every bad variable and does not start", () => {
    assert.throws(
      () => loadConfig({ PORT: "70000", TICK_RATE_HZ: "fast", REDIS_URL: "http://nope", LOG_LEVEL: "loud" }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const names = error.problems.map((p) => p.variable).sort();
        assert.deepEqual(names, ["LOG_LEVEL", "PORT", "REDIS_URL", "TICK_RATE_HZ"]);
        assert.match(error.message, /PORT: .*got "70000"/);
        return true;
      },
    );
  });

  it("needs the simulation rate to be a multiple of the patch rate (game rooms patch right after a step)", () => {
    assert.throws(() => loadConfig({ TICK_RATE_HZ: "30", PATCH_RATE_HZ: "20" }), /TICK_RATE_HZ: must be a multiple of PATCH_RATE_HZ \(20\); got 30/);
    assert.equal(loadConfig({ TICK_RATE_HZ: "60", PATCH_RATE_HZ: "20" }).config.tickRateHz, 60);
    assert.equal(loadConfig({ TICK_RATE_HZ: "20", PATCH_RATE_HZ: "20" }).config.patchRateHz, 20);
  });

  it("requires TOKEN_SECRET and ADMIN_KEY in production, and rejects short secrets", () => {
    assert.throws(() => loadConfig({ NODE_ENV: "production" }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.problems.map((p) => p.variable).sort(), ["ADMIN_KEY", "TOKEN_SECRET"]);
      return true;
    });
    assert.throws(() => loadConfig({ TOKEN_SECRET: "short" }), /TOKEN_SECRET: must be at least 32 characters/);
    const { config, warnings } = loadConfig({ NODE_ENV: "production", TOKEN_SECRET: "x".repeat(32), ADMIN_KEY: "k".repeat(16) });
    assert.deepEqual(warnings, []);
    assert.deepEqual(config.corsOrigins, [], "production allows no cross-origin callers unless configured");
  });

  it("parses lists, booleans and numbers", () => {
    const { config } = loadConfig({ CORS_ORIGINS: "https://a.example, https://b.example", TRUST_PROXY: "true", WS_MAX_PAYLOAD_BYTES: "8192", PORT: "0" });
    assert.deepEqual(config.corsOrigins, ["https://a.example", "https://b.example"]);
    assert.equal(config.trustProxy, true);
    assert.equal(config.ws.maxPayloadBytes, 8192);
    assert.equal(config.port, 0);
  });

  it("every configuration variable is in the README's configuration table", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    for (const name of Object.keys(CONFIG_VARIABLES)) {
      assert.match(readme, new RegExp(`^\\| \`${name}\` \\|`, "m"), `README is missing ${name}`);
    }
  });
});
