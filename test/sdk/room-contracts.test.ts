import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { createClient } from "../../client-sdk/index.ts";
import { projectRooms } from "../../rooms/index.ts";
import type { RoomDefinition } from "../../rooms/room-deps.ts";
import { lobbyContract, roomContracts, roomSchemas } from "../../shared/index.ts";
import { startTestServer } from "../helpers/test-server.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const NAMES = new Set(Object.keys(roomContracts));

function sources(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => sources(join(path, name))).filter((file) => file.endsWith(".ts"));
}

/** String literals (values and literal types) in code, comments excluded, that spell a project room's name. */
function roomNameLiterals(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && NAMES.has(node.text)) {
      found.push(`${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} "${node.text}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("sdk: one definition per room type (shared/rooms)", function () {
  this.timeout(30_000);

  it("the server registers exactly the shared contracts, under their names; the SDK has a handle for each", async () => {
    let registered: RoomDefinition[] = [];
    const server = await startTestServer({ rooms: (deps) => (registered = projectRooms(deps)) });
    try {
      assert.deepEqual(registered.map((definition) => definition.name).sort(), [...NAMES].sort());
      const client = createClient({ url: server.httpUrl });
      for (const name of NAMES) {
        if (name === lobbyContract.name) continue; // client.lobby(), below
        assert.equal((client.rooms as Record<string, { name: string }>)[name]?.name, name, `client.rooms.${name}`);
      }
      await client.auth.signInAsGuest("Contracts");
      const lobby = await client.lobby();
      assert.equal(lobby.status, "open", "the lobby joins under the contract's name");
      await lobby.close();
    } finally {
      await server.close();
    }
  });

  it("every room with inputs has its schemas under the same name (the lobby has none)", () => {
    assert.deepEqual(Object.keys(roomSchemas).sort(), [...NAMES].filter((name) => name !== lobbyContract.name).sort());
  });

  it('no room name is spelled outside shared/rooms/ in the SDK, the rooms, the server or shared/ ("game", "team", "draft", "lobby")', () => {
    const files = ["client-sdk", "rooms", "server", "shared", "scripts"].flatMap((folder) => sources(join(ROOT, folder)));
    const definitions = new Set(["shared/rooms/game.ts", "shared/rooms/team.ts", "shared/rooms/draft.ts", "shared/rooms/lobby.ts"]);
    const offenders = files.filter((file) => !definitions.has(relative(ROOT, file))).flatMap(roomNameLiterals);
    assert.deepEqual(offenders, []);
  });
});
