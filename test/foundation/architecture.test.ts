import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/**
 * The dependency rules of docs/architecture.md, checked on every import
 * (static, re-export and dynamic) of every source file.
 */
const ROOT = new URL("../..", import.meta.url).pathname;

type Part = "shared" | "shared/rules" | "store" | "rooms" | "api" | "server" | "client-sdk" | "loadtest";

/** A file's part: its top-level folder, except that shared/rules/ (the pure rules) is a part of its own. */
function partOf(path: string): Part {
  return (path.startsWith("shared/rules/") ? "shared/rules" : path.split("/")[0]) as Part;
}

/**
 * What each part may import at run time; `typeOnly` parts only with `import
 * type`; `packages`, when set, the only npm packages it may use at run time.
 */
const RULES: Record<Part, { may: Part[]; typeOnly?: Part[]; nodeBuiltins: boolean; packages?: string[] }> = {
  // The contract never depends on the rules (the rules depend on it).
  shared: { may: ["shared"], nodeBuiltins: false, packages: ["zod", "@colyseus/schema"] },
  // Pure rules: deterministic, no I/O, browser-safe; two pure libraries besides the contract's.
  "shared/rules": { may: ["shared/rules", "shared"], nodeBuiltins: false, packages: ["zod", "@colyseus/schema", "glicko2", "cron-parser"] },
  store: { may: ["store", "shared", "shared/rules"], nodeBuiltins: true },
  rooms: { may: ["rooms", "shared", "shared/rules"], typeOnly: ["store"], nodeBuiltins: true },
  api: { may: ["api", "shared", "shared/rules"], typeOnly: ["store"], nodeBuiltins: true },
  server: { may: ["server", "api", "rooms", "store", "shared", "shared/rules"], nodeBuiltins: true },
  // The SDK's bundles stay small: it may name the rules' types, not ship them.
  "client-sdk": { may: ["client-sdk", "shared"], typeOnly: ["shared/rules"], nodeBuiltins: false, packages: ["@colyseus/sdk", "@colyseus/schema"] },
  loadtest: { may: ["loadtest", "client-sdk", "shared", "shared/rules"], nodeBuiltins: true },
};

/** The documented exception: spawned servers, the naive baselines too, get the same V8 flags. */
const EXCEPTIONS = new Set(["loadtest/spawn-server.ts -> server/node-flags.ts", "loadtest/baseline/same-v8-settings.ts -> server/node-flags.ts"]);

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

/** A source file's path from the repository root, e.g. `client-sdk/http.ts`. */
const fromRoot = (file: string): string => relative(ROOT, file);

/** Where a relative import of `file` points, from the repository root. */
const importTarget = (file: string, specifier: string): string => relative(ROOT, resolve(dirname(file), specifier));

/** shared/ files that load zod at run time, directly or through other shared/ files. */
function sharedFilesLoadingZod(): Set<string> {
  const graph = new Map<string, { zod: boolean; next: string[] }>();
  for (const file of sources(join(ROOT, "shared"))) {
    const runtime = imports(file).filter((entry) => !entry.typeOnly);
    graph.set(fromRoot(file), {
      zod: runtime.some(({ specifier }) => specifier === "zod" || specifier.startsWith("zod/")),
      next: runtime.filter(({ specifier }) => specifier.startsWith(".")).map(({ specifier }) => importTarget(file, specifier)),
    });
  }
  const loading = new Set([...graph].filter(([, node]) => node.zod).map(([path]) => path));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [path, node] of graph) {
      if (!loading.has(path) && node.next.some((next) => loading.has(next))) {
        loading.add(path);
        grew = true;
      }
    }
  }
  return loading;
}

const parsed = new Map<string, ts.SourceFile>();

/** Every file of these parts with a node `matches` (comments and strings never match). */
function filesWith(parts: string[], matches: (node: ts.Node) => boolean): string[] {
  const found: string[] = [];
  for (const file of parts.flatMap((part) => sources(join(ROOT, part)))) {
    let source = parsed.get(file);
    if (!source) parsed.set(file, (source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true)));
    const visit = (node: ts.Node): boolean => matches(node) || (ts.forEachChild(node, visit) ?? false);
    if (visit(source)) found.push(fromRoot(file));
  }
  return found.sort();
}

/** `object.name`, e.g. `process.env`. */
const isAccess = (node: ts.Node, object: string | undefined, names: string[]): node is ts.PropertyAccessExpression =>
  ts.isPropertyAccessExpression(node) && names.includes(node.name.text) && (object === undefined || (ts.isIdentifier(node.expression) && node.expression.text === object));

describe("architecture: boundaries inside the parts (docs/architecture.md)", () => {
  it("client-sdk/ loads only zod-free shared/ files at run time (types from anywhere in shared/), but for the opt-in message schemas of client-sdk/validation.ts", () => {
    const zodful = sharedFilesLoadingZod();
    const broken: string[] = [];
    for (const file of sources(join(ROOT, "client-sdk"))) {
      if (fromRoot(file) === "client-sdk/validation.ts") continue;
      for (const { specifier, typeOnly } of imports(file)) {
        if (typeOnly || !specifier.startsWith(".")) continue;
        const target = importTarget(file, specifier);
        if (zodful.has(target)) broken.push(`${fromRoot(file)} -> ${target}`);
      }
    }
    assert.ok(zodful.size > 0, "the check sees shared/'s zod schemas");
    assert.deepEqual(broken, [], "these shared/ files load zod: import their types only (import type), or move the value into a zod-free file");
  });

  it("api/ and rooms/ never import each other, not even types: they meet in the stores", () => {
    const broken: string[] = [];
    for (const [part, other] of [["api", "rooms"], ["rooms", "api"]] as const) {
      for (const file of sources(join(ROOT, part))) {
        for (const { specifier } of imports(file)) {
          if (specifier.startsWith(".") && importTarget(file, specifier).startsWith(`${other}/`)) broken.push(`${fromRoot(file)} -> ${importTarget(file, specifier)}`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });

  it("only server/config.ts and server/main.ts read process.env", () => {
    const readers = filesWith(["server", "api", "rooms", "store", "shared", "client-sdk"], (node) => isAccess(node, "process", ["env"]));
    assert.deepEqual(readers, ["server/config.ts", "server/main.ts"]);
  });

  it("only the composition root (server/create-server.ts) builds the stores", () => {
    const builders = filesWith(["server", "api", "rooms", "shared", "client-sdk", "loadtest"], (node) => ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "createStores");
    assert.deepEqual(builders, ["server/create-server.ts"]);
  });

  it("Colyseus's process-wide matchmaker controller is patched in one module (server/matchmaker-patches.ts)", () => {
    const patched = ["invokeMethod", "getCorsHeaders", "DEFAULT_CORS_HEADERS"];
    const patchers = filesWith(["server", "api", "rooms", "store", "shared", "client-sdk", "loadtest"], (node) => ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && isAccess(node.left, undefined, patched));
    assert.deepEqual(patchers, ["server/matchmaker-patches.ts"]);
  });
});

describe("architecture: the dependency rules of docs/architecture.md", () => {
  for (const [part, rule] of Object.entries(RULES) as [Part, (typeof RULES)[Part]][]) {
    it(`${part}/ imports ${rule.may.join(", ")}${rule.typeOnly ? ` (and ${rule.typeOnly.join(", ")} types only)` : ""}${rule.packages ? ` and the packages ${rule.packages.join(", ")}` : ""}${rule.nodeBuiltins ? "" : ", no node: built-ins (browser-safe)"}`, () => {
      const broken: string[] = [];
      for (const file of sources(join(ROOT, part))) {
        const from = relative(ROOT, file);
        if (partOf(from) !== part) continue; // shared/rules/ files are checked under their own rule
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
          const targetPart = partOf(target);
          if (rule.may.includes(targetPart) || (typeOnly && rule.typeOnly?.includes(targetPart)) || EXCEPTIONS.has(`${from} -> ${target}`)) continue;
          broken.push(`${from} -> ${target}${typeOnly ? " (type)" : ""}`);
        }
      }
      assert.deepEqual(broken, [], `imports that break the rule (docs/architecture.md, "Parts and dependency rules")`);
    });
  }
});

describe("architecture: store/ holds interfaces, their memory and Redis implementations, and what both compose", () => {
  const storeFile = (name: string) => join(ROOT, "store", name);

  it("store/*.ts (but index.ts, the createStores factory) declare only interfaces and types", () => {
    const broken: string[] = [];
    for (const name of readdirSync(join(ROOT, "store")).filter((n) => n.endsWith(".ts") && n !== "index.ts")) {
      const source = ts.createSourceFile(name, readFileSync(storeFile(name), "utf8"), ts.ScriptTarget.Latest, true);
      for (const statement of source.statements) {
        const typeOnly =
          ts.isInterfaceDeclaration(statement) ||
          ts.isTypeAliasDeclaration(statement) ||
          (ts.isImportDeclaration(statement) && !!statement.importClause?.isTypeOnly) ||
          (ts.isExportDeclaration(statement) && statement.isTypeOnly);
        if (!typeOnly) broken.push(`store/${name}: ${statement.getText(source).split("\n")[0]!.slice(0, 80)}`);
      }
    }
    assert.deepEqual(broken, [], "implementations belong in store/memory/, store/redis/ or store/common/; pure rules in shared/rules/");
  });

  it("store/memory/ and store/redis/ never import each other; store/common/ imports neither", () => {
    const broken: string[] = [];
    for (const [folder, never] of [["memory", ["redis"]], ["redis", ["memory"]], ["common", ["memory", "redis"]]] as const) {
      for (const file of sources(storeFile(folder))) {
        for (const { specifier } of imports(file)) {
          if (!specifier.startsWith(".")) continue;
          const target = relative(join(ROOT, "store"), resolve(dirname(file), specifier)).split("/")[0]!;
          if ((never as readonly string[]).includes(target)) broken.push(`${relative(ROOT, file)} -> ${specifier}`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });
});
