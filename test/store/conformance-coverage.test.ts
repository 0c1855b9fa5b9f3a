import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import ts from "typescript";

/**
 * Every store interface has ONE conformance suite, run against both
 * implementations (memory and Redis): a behaviour only one has is a bug
 * (docs/architecture.md "Adding a store"). This keeps the list honest: a new
 * field of `Stores` fails here until its suite exists.
 */
const ROOT = new URL("../..", import.meta.url).pathname;

/** Stores field → its conformance suite under test/store/. */
const SUITES: Record<string, string> = {
  leaderboards: "leaderboards.test.ts",
  results: "match-results.test.ts",
  rosters: "rosters.test.ts",
  leagues: "leagues.test.ts",
  ratings: "ratings.test.ts",
  notifications: "notifications.test.ts",
  pipeline: "pipeline.test.ts",
  spectators: "spectator-feed.test.ts",
  draftFeed: "draft-feed.test.ts",
  matchmaking: "matchmaking.test.ts",
  teamMemberships: "match-claims.test.ts",
};

/** Fields of `Stores` that are not stores (the mode, readiness, lifecycle). */
const NOT_STORES = new Set(["mode", "ping", "available", "close"]);

function storesFields(): string[] {
  const file = `${ROOT}store/index.ts`;
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const stores = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === "Stores");
  assert.ok(stores, "store/index.ts declares the Stores interface");
  return stores.members.map((m) => (m.name as ts.Identifier).text);
}

describe("store conformance suites cover every store", () => {
  it("every field of Stores that is a store has a suite run against every implementation", () => {
    const missing: string[] = [];
    for (const field of storesFields()) {
      if (NOT_STORES.has(field)) continue;
      const suite = SUITES[field];
      const path = `${ROOT}test/store/${suite}`;
      if (!suite || !existsSync(path)) {
        missing.push(`${field}: no suite`);
        continue;
      }
      const text = readFileSync(path, "utf8");
      if (!text.includes("for (const impl of IMPLEMENTATIONS)")) missing.push(`${field}: ${suite} does not run per implementation`);
      if (!new RegExp(`\\.${field}\\b`).test(text)) missing.push(`${field}: ${suite} never calls stores.${field}`);
    }
    assert.deepEqual(missing, []);
  });
});
