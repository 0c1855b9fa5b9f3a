/** Prints the README's configuration table from server/config.ts (run: npm run docs:config). */
import { CONFIG_VARIABLES } from "../server/config.ts";

const rows = Object.entries(CONFIG_VARIABLES).map(([name, spec]) => {
  const fallback = "default" in spec ? `\`${spec.default}\`` : "—";
  return `| \`${name}\` | ${fallback} | ${spec.doc.replace(/\|/g, "\\|")} |`;
});
process.stdout.write(["| variable | default | meaning |", "| --- | --- | --- |", ...rows].join("\n") + "\n");
