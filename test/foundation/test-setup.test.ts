import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { createInterface } from "node:readline";
import { createClient } from "redis";
import net from "node:net";
import { freePort, startNginx } from "../../loadtest/nginx.ts";
import { sweepStaleRedisDirs } from "../helpers/redis-child.ts";
import { waitFor } from "../helpers/wait.ts";
import { REDIS_URL } from "../helpers/store-harness.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

function testFiles(dir = join(ROOT, "test")): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? testFiles(path) : /\.(ts|cjs|mjs|js)$/.test(name) ? [path] : [];
  });
}

/** Gone, or a zombie nobody has reaped yet (it no longer runs). */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z") ?? true;
  } catch {
    return true;
  }
}

describe("npm test's own set-up (no developer Redis, nothing left behind, prerequisites installed)", function () {
  this.timeout(60_000);

  describe("Redis", () => {
    it("no test names a fixed Redis address (the default port, a literal Redis URL, a client without a URL)", () => {
      const offending: string[] = [];
      const patterns = [
        new RegExp(`\\b${63}${79}\\b`), // the default port, written so this file does not match itself
        /redis:\/\/[^"'`\s$]*["'`\s]/, // a literal URL; `redis://127.0.0.1:${port}` is fine
        /\bcreateClient\(\s*\)|new Redis\(\s*\)/, // node-redis / ioredis defaults go to localhost's default port
      ];
      for (const file of testFiles()) {
        readFileSync(file, "utf8")
          .split("\n")
          .forEach((line, index) => {
            if (patterns.some((pattern) => pattern.test(line))) offending.push(`${relative(ROOT, file)}:${index + 1}: ${line.trim()}`);
          });
      }
      assert.deepEqual(offending, [], "use REDIS_URL from test/helpers/store-harness.ts, or RedisChild for a Redis of the test's own");
    });

    it("the suites' Redis is the run's throw-away redis-server (free port, temp dir), unless TEST_REDIS_URL names one", async function () {
      if (!process.env.TEST_REDIS_DIR) {
        assert.ok(process.env.TEST_REDIS_URL, "test/helpers/mocha-setup.ts (.mocharc.json require) starts a Redis and sets TEST_REDIS_URL");
        this.skip(); // TEST_REDIS_URL was given: that Redis is the caller's choice
      }
      const url = new URL(REDIS_URL);
      assert.equal(url.hostname, "127.0.0.1");
      assert.notEqual(url.port, String(6300 + 79), "not the default port");
      const client = createClient({ url: REDIS_URL });
      await client.connect();
      try {
        const config = await client.configGet("dir");
        assert.equal(config.dir, process.env.TEST_REDIS_DIR, "the Redis at REDIS_URL keeps its data in the run's temp dir");
        assert.ok(config.dir!.startsWith(tmpdir()));
      } finally {
        await client.quit();
      }
    });

    it("a test's redis-server dies with the test process even when that is SIGKILLed, and the next run removes its temp dir", async () => {
      const holder = spawn(process.execPath, ["--import", "tsx", "test/foundation/fixtures/hold-redis.fixture.ts"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
      const lines = createInterface({ input: holder.stdout! });
      const [line] = (await once(lines, "line")) as [string];
      const redis = JSON.parse(line) as { pid: number; dir: string; url: string };
      const client = createClient({ url: redis.url });
      client.on("error", () => undefined);
      await client.connect();
      assert.equal(await client.ping(), "PONG");
      client.destroy();
      assert.ok(existsSync(redis.dir));

      const exited = once(holder, "exit");
      holder.kill("SIGKILL");
      await exited;
      await waitFor(() => gone(redis.pid), "redis-server to die with its parent");
      sweepStaleRedisDirs();
      assert.equal(existsSync(redis.dir), false, "the dead process's temp dir is swept");
    });
  });

  describe("prerequisites (scripts/test-prerequisites.ts, the pretest script)", () => {
    let dir: string;
    let bin: string;
    let log: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "test-prerequisites-"));
      chmodSync(dir, 0o777); // readable by the unprivileged user of the sudo case
      bin = join(dir, "bin");
      mkdirSync(bin, { mode: 0o777 });
      log = join(dir, "apt.log");
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const fakeProgram = (path: string) => {
      writeFileSync(path, "#!/bin/sh\nexit 0\n");
      chmodSync(path, 0o755);
    };

    /**
     * A fake apt-get / apt-cache on a PATH that has nothing else: `apt-cache
     * policy` knows the packages once the lists are there (`lists: true` or
     * after `apt-get update`); `apt-get install` "installs" by creating the
     * programs where the check looks, and fails on a stale list until updated.
     */
    function fakeApt(options: { lists: boolean; stale?: boolean }) {
      const script = (body: string) => `#!/bin/sh\n${body}\n`;
      writeFileSync(
        join(bin, "apt-cache"),
        script(`shift
if [ -n "$FAKE_LISTS" ] || [ -e "${dir}/updated" ]; then
  for p in "$@"; do printf '%s:\\n  Installed: (none)\\n  Candidate: 1.0\\n' "$p"; done
fi`),
      );
      writeFileSync(
        join(bin, "apt-get"),
        script(`echo "apt-get $*" >> "${log}"
case "$1" in
  update) : > "${dir}/updated" ;;
  install)
    if [ -n "$FAKE_STALE" ] && [ ! -e "${dir}/updated" ]; then echo "E: Failed to fetch (404 Not Found)" >&2; exit 100; fi
    for p in "$@"; do
      case "$p" in
        chromium) target="$CHROMIUM_PATH" ;;
        nginx) target="$NGINX_BIN" ;;
        redis-server) target="${bin}/redis-server" ;;
        *) continue ;;
      esac
      printf '#!/bin/sh\\n' > "$target"; /bin/chmod +x "$target"
    done ;;
esac`),
      );
      chmodSync(join(bin, "apt-cache"), 0o755);
      chmodSync(join(bin, "apt-get"), 0o755);
      return { FAKE_LISTS: options.lists ? "1" : "", FAKE_STALE: options.stale ? "1" : "" };
    }

    function check(env: Record<string, string>, asUser = false) {
      const node = [process.execPath, "--import", "tsx", "scripts/test-prerequisites.ts"];
      const command = asUser ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", ...node] : node;
      const result = spawnSync(command[0], command.slice(1), {
        cwd: ROOT,
        encoding: "utf8",
        env: { HOME: dir, PATH: bin, CHROMIUM_PATH: join(dir, "chromium"), NGINX_BIN: join(dir, "nginx"), ...env },
      });
      const aptCalls = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
      return { status: result.status, stdout: result.stdout, stderr: result.stderr, aptCalls };
    }

    const root = process.getuid?.() === 0;

    it("prints nothing and installs nothing when Chromium, nginx and redis-server are there", () => {
      fakeProgram(join(dir, "chromium"));
      fakeProgram(join(dir, "nginx"));
      fakeProgram(join(bin, "redis-server"));
      const result = check(fakeApt({ lists: true }));
      assert.deepEqual(result, { status: 0, stdout: "", stderr: "", aptCalls: [] });
    });

    it("as root on a fresh image: one apt-get update (the lists lack the packages), then one apt-get install of everything missing", function () {
      if (!root) this.skip(); // installing needs root; CI runs as root
      const result = check(fakeApt({ lists: false }));
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(result.aptCalls, ["apt-get update -qq", "apt-get install -y -qq chromium nginx redis-server"]);
      for (const path of [join(dir, "chromium"), join(dir, "nginx"), join(bin, "redis-server")]) assert.ok(existsSync(path), path);
      assert.match(result.stdout, /installing chromium nginx redis-server from Debian's packages/);
    });

    it("as root with current lists: installs only what is missing, without an update; a stale list is updated once and retried", function () {
      if (!root) this.skip();
      fakeProgram(join(dir, "chromium"));
      fakeProgram(join(bin, "redis-server"));
      assert.deepEqual(check(fakeApt({ lists: true })).aptCalls, ["apt-get install -y -qq nginx"]);

      rmSync(join(dir, "nginx"));
      rmSync(log);
      const stale = check(fakeApt({ lists: true, stale: true }));
      assert.equal(stale.status, 0, stale.stderr);
      assert.deepEqual(stale.aptCalls, ["apt-get install -y -qq nginx", "apt-get update -qq", "apt-get install -y -qq nginx"]);
    });

    it("not root: stops at once with the one command to run, and runs nothing", function () {
      if (root && !existsSync("/usr/bin/setpriv")) this.skip();
      // A checkout private to root (e.g. cloned under a 0700 mktemp directory) cannot be run by an unprivileged user at all.
      if (root && !othersCanRead(join(ROOT, "package.json"))) this.skip();
      fakeProgram(join(bin, "redis-server"));
      const result = check(fakeApt({ lists: true }), root);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /needs Chromium \(browser tests\), nginx \(proxy tests\)\. Run:\n\n {2}sudo apt-get install -y chromium nginx\n/);
      assert.deepEqual(result.aptCalls, []);
    });

    it("without apt-get: stops at once, naming what is missing and how to point the tests at it", () => {
      const result = check({});
      assert.equal(result.status, 1);
      assert.match(result.stderr, /needs Chromium \(browser tests\), nginx \(proxy tests\), redis-server \(Redis suites\).*no apt-get/);
      assert.match(result.stderr, /CHROMIUM_PATH \/ NGINX_BIN/);
    });
  });

  describe("ports for nginx and redis-server children (loadtest/nginx.ts)", () => {
    it("freePort answers a port below the kernel's ephemeral range, which no server listening on port 0 can be given", async () => {
      const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
      for (let i = 0; i < 20; i++) {
        const port = await freePort();
        assert.ok(port >= 10_000 && port < low, `${port} is in [10000, ${low})`);
      }
    });

    it("startNginx fails when another process holds its port, instead of resolving with that process answering in nginx's place", async () => {
      // What happened in a CI run: a test server on port 0 was given the port chosen for nginx.
      const squatter = net.createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
      const { port } = squatter.address() as net.AddressInfo;
      try {
        await assert.rejects(
          startNginx({ httpBlocks: `server {\n  listen 127.0.0.1:${port};\n  return 204;\n}`, ports: [port] }),
          (error: Error) => /nginx exited|did not listen/.test(error.message) && /Address already in use|did not listen/.test(error.message),
        );
      } finally {
        await new Promise((resolve) => squatter.close(resolve));
      }
    });
  });

  describe("reporter (test/reporter.cjs)", () => {
    it("in parallel mode too, ends with the summary line CI reads, and workers print no expected library lines", () => {
      const result = spawnSync(
        process.execPath,
        ["node_modules/mocha/bin/mocha.js", "--parallel", "--jobs", "2", "test/foundation/fixtures/reporter-a.fixture.ts", "test/foundation/fixtures/reporter-b.fixture.ts"],
        { cwd: ROOT, encoding: "utf8", env: { ...process.env, TEST_VERBOSE: "" } },
      );
      assert.equal(result.status, 1, "one test fails on purpose");
      const lines = result.stdout.trim().split("\n");
      assert.equal(lines.at(-1), "mocha: 2 passed, 1 failed, 1 skipped");
      assert.ok(!result.stdout.includes("Room connection was closed") && !result.stderr.includes("Room connection was closed"), result.stderr);
    });
  });
});

/** Whether a user who is neither the owner nor in the group can read `file` (every directory on the way searchable). */
function othersCanRead(file: string): boolean {
  try {
    if (!(statSync(file).mode & 0o004)) return false;
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      if (!(statSync(dir).mode & 0o001)) return false;
      if (dir === dirname(dir)) return true;
    }
  } catch {
    return false;
  }
}
