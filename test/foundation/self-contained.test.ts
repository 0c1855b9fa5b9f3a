import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SKIP = new Set(["node_modules", ".git", "dist"]);
const SOURCE = /\.(ts|js|cjs|mjs|html|css|md|json)$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name) || name === "package-lock.json") return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : SOURCE.test(name) ? [path] : [];
  });
}

/**
 * The repository carries its own documentation (docs/architecture.md,
 * docs/protocol.md, …): no file sends a reader to notes that are not in it
 * (the design notes a checkout's neighbour folder may hold) or to an issue
 * number instead of saying why.
 */
describe("foundation: the repository is self-contained", () => {
  const checked = ["server", "api", "rooms", "store", "shared", "client-sdk", "web", "loadtest", "scripts", "test", "docs", "README.md", "package.json"];
  const all = checked.flatMap((entry) => {
    const path = join(ROOT, entry);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
  const outside = /DESIGN\.md|DESIGN §|COLYSEUS-NOTES|CONVENTIONS(?:\.md| habit)|\.\.\/shared\/(?:DESIGN|CONVENTIONS|COLYSEUS)/;
  const issueCitation = /\b[Ii]ssues?[- ]#?\d+\b/;

  it("cites no design notes from outside the repository", () => {
    const offenders = all.filter((file) => file !== fileURLToPath(import.meta.url)).flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) => (outside.test(line) ? [`${relative(ROOT, file)}:${i + 1}: ${line.trim().slice(0, 100)}`] : [])),
    );
    assert.deepEqual(offenders, []);
  });

  it("says why instead of citing issue numbers", () => {
    const offenders = all.filter((file) => file !== fileURLToPath(import.meta.url)).flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) => (issueCitation.test(line) ? [`${relative(ROOT, file)}:${i + 1}: ${line.trim().slice(0, 100)}`] : [])),
    );
    assert.deepEqual(offenders, []);
  });

  it("every file path the README and docs/ name exists", () => {
    const docs = [join(ROOT, "README.md"), ...files(join(ROOT, "docs"))].filter((file) => file.endsWith(".md"));
    const path = /(?<![\w/.-])((?:server|api|rooms|store|shared|client-sdk|web|loadtest|scripts|test|docs)\/[\w./-]*\.(?:ts|js|md|css|html|json))/g;
    const missing = docs.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) => [...line.matchAll(path)].map((m) => m[1]!).filter((p) => p !== "test/path/file.test.ts" && !existsSync(join(ROOT, p))).map((p) => `${relative(ROOT, file)}:${i + 1}: ${p}`)),
    );
    assert.deepEqual(missing, []);
  });
});
