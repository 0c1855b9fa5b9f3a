/**
 * `npm test` runs this first (the `pretest` script). Besides Node, the suites
 * run three programs: Chromium (browser tests, driven by playwright-core,
 * which never downloads a browser), nginx (proxy tests) and redis-server (the
 * Redis suites start their own; see test/helpers/mocha-setup.ts). This finds
 * them and installs what is missing from Debian's packages, in one apt-get,
 * when it runs as root where apt-get exists; otherwise it stops at once with
 * the one command to run. When all three are there it prints nothing.
 *
 * CHROMIUM_PATH and NGINX_BIN point the tests (and this check) elsewhere.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

interface Prerequisite {
  name: string;
  usedBy: string;
  /** The Debian package that provides it. */
  debianPackage: string;
  /** Where the tests look for it: an absolute path, or a command searched on PATH. */
  find(): string | undefined;
}

const PREREQUISITES: Prerequisite[] = [
  { name: "Chromium", usedBy: "browser tests", debianPackage: "chromium", find: () => executable(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium") },
  { name: "nginx", usedBy: "proxy tests", debianPackage: "nginx", find: () => executable(process.env.NGINX_BIN ?? "/usr/sbin/nginx") },
  { name: "redis-server", usedBy: "Redis suites", debianPackage: "redis-server", find: () => onPath("redis-server") },
];

function executable(path: string): string | undefined {
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const found = dir ? executable(join(dir, command)) : undefined;
    if (found) return found;
  }
  return undefined;
}

function run(command: string, args: string[]): number {
  const result = spawnSync(command, args, { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  return result.status ?? 1;
}

/** Packages apt knows no candidate for: its package lists are missing (a fresh image) or lack them. */
function unknownToApt(packages: string[]): string[] {
  const result = spawnSync("apt-cache", ["policy", ...packages], { encoding: "utf8" });
  const candidates = new Map<string, string>();
  let current = "";
  for (const line of (result.stdout ?? "").split("\n")) {
    const header = /^(\S+):$/.exec(line);
    if (header) current = header[1];
    const candidate = /^\s+Candidate: (.+)$/.exec(line);
    if (candidate && current) candidates.set(current, candidate[1].trim());
  }
  return packages.filter((name) => !candidates.has(name) || candidates.get(name) === "(none)");
}

function stop(message: string): never {
  process.stderr.write(`\n${message}\n\n`);
  process.exit(1);
}

const missing = PREREQUISITES.filter((prerequisite) => !prerequisite.find());
if (missing.length > 0) {
  const packages = missing.map((prerequisite) => prerequisite.debianPackage);
  const what = missing.map((prerequisite) => `${prerequisite.name} (${prerequisite.usedBy})`).join(", ");
  const install = `apt-get install -y ${packages.join(" ")}`;

  if (!onPath("apt-get")) {
    stop(
      `npm test needs ${what}, which this machine does not have, and there is no apt-get to install them.\n` +
        "Install them with the system's package manager (set CHROMIUM_PATH / NGINX_BIN if they land elsewhere than /usr/bin/chromium and /usr/sbin/nginx), then run npm test again.",
    );
  }
  if (process.getuid?.() !== 0) {
    stop(`npm test needs ${what}. Run:\n\n  sudo ${install}\n\nthen npm test again.`);
  }

  process.stdout.write(`npm test needs ${what}: installing ${packages.join(" ")} from Debian's packages (apt-get)\n`);
  // Only when apt's lists do not know a package (a fresh image has none); a stale list shows up as a failed install, retried once after an update.
  let updated = false;
  if (unknownToApt(packages).length > 0) {
    if (run("apt-get", ["update", "-qq"]) !== 0) stop("apt-get update failed (above). Fix it, or install the packages yourself:\n\n  " + install);
    updated = true;
  }
  let status = run("apt-get", ["install", "-y", "-qq", ...packages]);
  if (status !== 0 && !updated) {
    if (run("apt-get", ["update", "-qq"]) === 0) status = run("apt-get", ["install", "-y", "-qq", ...packages]);
  }
  if (status !== 0) stop(`Installing ${packages.join(" ")} failed (above). Fix it and run:\n\n  ${install}`);

  const stillMissing = PREREQUISITES.filter((prerequisite) => !prerequisite.find());
  if (stillMissing.length > 0) {
    stop(`After apt-get, still not found: ${stillMissing.map((p) => p.name).join(", ")} (CHROMIUM_PATH / NGINX_BIN point elsewhere?)`);
  }
}
