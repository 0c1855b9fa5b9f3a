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

/**
 * Boots the real server (the same createServer as production) on port 0.
 * `env` overrides configuration variables exactly as the environment would.
 */
export async function startTestServer(
  options: { env?: Record<string, string>; rooms?: CreateServerOptions["rooms"] } = {},
): Promise<TestServer> {
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
