/**
 * Loaded by mocha before any test file (`require` in .mocharc.json), in the
 * main process and again in each `--parallel` worker.
 *
 * Redis: unless TEST_REDIS_URL names one, the main process starts a
 * throw-away `redis-server` (free port, temp dir, no persistence) and sets
 * TEST_REDIS_URL, which workers inherit when they are forked and
 * test/helpers/store-harness.ts exports as REDIS_URL. No test touches a Redis
 * the developer runs. It dies with the test run, however that ends
 * (owned-child.ts); `mochaGlobalTeardown` stops it and removes its dir.
 *
 * Console: see quiet-console.ts.
 */
import { RedisChild, sweepStaleRedisDirs } from "./redis-child.ts";
import { installQuietConsole } from "./quiet-console.ts";

installQuietConsole();

let owned: RedisChild | undefined;
if (!process.env.TEST_REDIS_URL) {
  sweepStaleRedisDirs();
  owned = await RedisChild.start({ persistent: false });
  process.env.TEST_REDIS_URL = owned.url;
  // Lets test/foundation/test-setup.test.ts check that the suites use this one.
  process.env.TEST_REDIS_DIR = owned.dir;
}

export async function mochaGlobalTeardown(): Promise<void> {
  await owned?.stop();
}

/**
 * After each test file (in `--parallel` mode; after the whole run in serial
 * mode): nothing may still listen. A parallel worker runs its next file in
 * the same process, where a leftover server would hold Colyseus's
 * process-wide matchmaker ("A server is already running in this process").
 */
export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    const listening = () => process.getActiveResourcesInfo().filter((resource) => resource === "TCPServerWrap").length;
    // A server closed without awaiting it lets go of its handle a moment later.
    for (const deadline = Date.now() + 2000; listening() > 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
    if (listening() > 0) {
      const files = [...new Set((this.test?.parent?.suites ?? []).map((suite) => suite.file).filter(Boolean))].join(", ");
      throw new Error(`${listening()} server(s) still listening after the tests of ${files || "this run"}: close every server in an after() hook`);
    }
  },
};
