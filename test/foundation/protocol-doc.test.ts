import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CloseCodes, ErrorCodes } from "../../shared/index.ts";

describe("docs/protocol.md", () => {
  const doc = readFileSync(new URL("../../docs/protocol.md", import.meta.url), "utf8");

  it("lists every error code with its status", () => {
    for (const [code, spec] of Object.entries(ErrorCodes)) {
      assert.match(doc, new RegExp(`^\\| \`${code}\` \\| ${spec.status} \\|`, "m"), `missing ${code}`);
    }
  });

  it("lists every close code with its name and action", () => {
    for (const [name, spec] of Object.entries(CloseCodes)) {
      assert.match(doc, new RegExp(`^\\| ${spec.code} \\| \`${name}\` \\| ${spec.action} \\|`, "m"), `missing ${name}`);
    }
  });
});
