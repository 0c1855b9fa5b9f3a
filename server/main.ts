import { setFlagsFromString } from "node:v8";
import { ConfigError, loadConfig } from "./config.ts";
import { createServer } from "./create-server.ts";
import { createLogger } from "./logger.ts";
import { HARD_STOP_MARGIN_MS } from "./shutdown.ts";

/**
 * The process entry: the only place that reads the environment (through
 * loadConfig), listens, and owns signals. SIGTERM/SIGINT drain in order and
 * exit 0; a second signal exits at once.
 */
async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const { config, warnings } = loaded;
  const logger = createLogger(config.logLevel);
  for (const warning of warnings) logger.warn(warning);
  for (const flag of config.v8Flags) setFlagsFromString(flag);
  logger.info({ node: process.version, env: config.env, role: config.processRole, v8Flags: config.v8Flags }, "starting");

  let server;
  try {
    server = await createServer({ config, logger });
  } catch (error) {
    // e.g. REDIS_URL set but Redis unreachable, or a bad LEADERBOARDS_FILE: say so and stop.
    logger.fatal({ err: error }, `failed to start: ${(error as Error).message}`);
    process.exit(1);
  }
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    shuttingDown = true;
    logger.info({ signal }, "shutdown requested");
    const hardStop = setTimeout(() => {
      logger.error("drain did not finish in time; exiting");
      process.exit(1);
    }, config.drainDelayMs + config.shutdownGraceMs * 2 + HARD_STOP_MARGIN_MS);
    hardStop.unref();
    server.close().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, "error while draining");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled rejection"));

  try {
    const info = await server.listen();
    logger.info(`arena-lobby ready: API ${info.httpUrl}  WebSocket ${info.wsUrl}`);
  } catch (error) {
    logger.fatal({ err: error }, "failed to start");
    // Colyseus's open Redis connections would keep the process alive after a failed listen: exit explicitly.
    process.exit(1);
  }
}

void main();
