import { loadConfig, type Config } from "../../server/config.ts";
import { createServer, type AppServer, type CreateServerOptions } from "../../server/create-server.ts";
import { createLogger } from "../../server/logger.ts";

export const TEST_TOKEN_SECRET = "test-secret-0123456789-abcdefghijklmnop";
export const TEST_ADMIN_KEY = "test-admin-key-0123456789";

export interface TestServer {
  server: AppServer;
  config: Config;
  httpUrl: string;
  wsUrl: string;
  port: number;
  /** A fresh guest token from the real endpoint. */
  guestToken(name?: string): Promise<{ token: string; playerId: string }>;
  close(options?: Parameters<AppServer["close"]>[0]): Promise<void>;
}

export interface TestServerOptions {
  /** Configuration variables, exactly as the environment would set them. */
  env?: Record<string, string>;
  /** Room types to register instead of the project's (createServer's `rooms`). */
  rooms?: CreateServerOptions["rooms"];
}

/**
 * Boots the real server (the same createServer as production) on port 0.
 * `env` overrides configuration variables exactly as the environment would.
 * A describe block's one server: `useTestServer`; this is for a server of
 * one test (closed by the test itself).
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { config } = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    TOKEN_SECRET: TEST_TOKEN_SECRET,
    ADMIN_KEY: TEST_ADMIN_KEY,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    SHUTDOWN_GRACE_MS: "2000",
    // Suites sign in many guests from 127.0.0.1; limits.test.ts checks the limit itself.
    GUEST_SIGNUPS_PER_MINUTE: "1000000",
    ...options.env,
  });
  const server = await createServer({ config, logger: createLogger(config.logLevel), rooms: options.rooms });
  const info = await server.listen();
  return {
    server,
    config,
    ...info,
    async guestToken(name = "tester") {
      const response = await fetch(`${info.httpUrl}/v1/auth/guest`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name }),
      });
      if (response.status !== 201) throw new Error(`guest auth failed: ${response.status} ${await response.text()}`);
      const body = (await response.json()) as { token: string; player: { playerId: string } };
      return { token: body.token, playerId: body.player.playerId };
    },
    close: (closeOptions) => server.close(closeOptions),
  };
}

/** The server of a describe block (see useTestServer). */
export interface TestServerHandle extends TestServer {
  /**
   * Starts a new server in place of the current one (close that first),
   * e.g. on the same port with `env.PORT`; `after()` closes whichever is
   * current. Default options: the block's.
   */
  start(options?: TestServerOptions): Promise<TestServer>;
}

/**
 * One real server for the enclosing describe block: registers `before()`
 * (start it) and `after()` (close it) hooks where it is called, and returns
 * a handle that reads through to the running server. Options may be a
 * function, read when the server starts (e.g. the URL of a Redis another
 * `before()` hook, registered earlier, started); `closeOptions` are how
 * `after()` closes it. Mocha runs hooks in the order they are registered:
 * register a cleanup that must run before the server closes above the call.
 *
 * ```ts
 * describe("…", () => {
 *   const server = useTestServer({ env: { STREAMS_PER_CLIENT: "2" } });
 *   it("…", async () => fetch(`${server.httpUrl}/healthz`));
 * });
 * ```
 */
export function useTestServer(options: TestServerOptions | (() => TestServerOptions) = {}, closeOptions?: Parameters<AppServer["close"]>[0]): TestServerHandle {
  let current: TestServer | undefined;
  const blockOptions = () => (typeof options === "function" ? options() : options);
  const running = (): TestServer => {
    if (!current) throw new Error("useTestServer: the server starts in a before() hook; use it inside hooks and tests");
    return current;
  };
  before(async () => {
    current = await startTestServer(blockOptions());
  });
  after(() => current?.close(closeOptions));
  return {
    get server() {
      return running().server;
    },
    get config() {
      return running().config;
    },
    get httpUrl() {
      return running().httpUrl;
    },
    get wsUrl() {
      return running().wsUrl;
    },
    get port() {
      return running().port;
    },
    guestToken: (name) => running().guestToken(name),
    close: (closeOptions) => running().close(closeOptions),
    async start(startOptions = blockOptions()) {
      current = await startTestServer(startOptions);
      return current;
    },
  };
}
