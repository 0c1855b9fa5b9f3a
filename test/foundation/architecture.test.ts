import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/**
 * The dependency rules of docs/architecture.md, checked on every import
 * (static, re-export and dynamic) of every source file.
 */
const ROOT = new URL("../..", import.meta.url).pathname;

type Part = "shared" | "store" | "rooms" | "api" | "server" | "client-sdk" | "loadtest";

/**
 * What each part may import at run time; `typeOnly` parts only with `import
 * type`; `packages`, when set, the only npm packages it may use at run time.
 */
const RULES: Record<Part, { may: Part[]; typeOnly?: Part[]; nodeBuiltins: boolean; packages?: string[] }> = {
  shared: { may: ["shared"], nodeBuiltins: false, packages: ["zod", "@colyseus/schema"] },
  store: { may: ["store", "shared"], nodeBuiltins: true },
  rooms: { may: ["rooms", "shared"], typeOnly: ["store"], nodeBuiltins: true },
  api: { may: ["api", "shared"], typeOnly: ["store"], nodeBuiltins: true },
  server: { may: ["server", "api", "rooms", "store", "shared"], nodeBuiltins: true },
  "client-sdk": { may: ["client-sdk", "shared"], nodeBuiltins: false, packages: ["@colyseus/sdk", "@colyseus/schema"] },
  loadtest: { may: ["loadtest", "client-sdk", "shared"], nodeBuiltins: true },
};

/** The documented exceptions: the naive baseline plays by the same rules; spawned servers get the same V8 flags. */
const EXCEPTIONS = new Set(["loadtest/baseline/naive-ws-server.ts -> rooms/arena/index.ts", "loadtest/spawn-server.ts -> server/node-flags.ts"]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" || name === "dist" ? [] : sources(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

function imports(file: string): { specifier: string; typeOnly: boolean }[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("architecture: the dependency rules of docs/architecture.md", () => {
  for (const [part, rule] of Object.entries(RULES) as [Part, (typeof RULES)[Part]][]) {
    it(`${part}/ imports ${rule.may.join(", ")}${rule.typeOnly ? ` (and ${rule.typeOnly.join(", ")} types only)` : ""}${rule.packages ? ` and the packages ${rule.packages.join(", ")}` : ""}${rule.nodeBuiltins ? "" : ", no node: built-ins (browser-safe)"}`, () => {
      const broken: string[] = [];
      for (const file of sources(join(ROOT, part))) {
        const from = relative(ROOT, file);
        for (const { specifier, typeOnly } of imports(file)) {
          if (specifier.startsWith("node:")) {
            if (!rule.nodeBuiltins) broken.push(`${from} -> ${specifier}`);
            continue;
          }
          if (!specifier.startsWith(".")) {
            if (rule.packages && !typeOnly && !rule.packages.some((name) => specifier === name || specifier.startsWith(`${name}/`))) broken.push(`${from} -> ${specifier}`);
            continue;
          }
          const target = relative(ROOT, resolve(dirname(file), specifier));
          const targetPart = target.split("/")[0] as Part;
          if (rule.may.includes(targetPart) || (typeOnly && rule.typeOnly?.includes(targetPart)) || EXCEPTIONS.has(`${from} -> ${target}`)) continue;
          broken.push(`${from} -> ${target}${typeOnly ? " (type)" : ""}`);
        }
      }
      assert.deepEqual(broken, [], `imports that break the rule (docs/architecture.md, "Parts and dependency rules")`);
    });
  }
});
