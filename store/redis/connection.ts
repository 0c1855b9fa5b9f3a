import { createClient, ErrorReply } from "redis";
import type { Logger } from "pino";
import { AppError } from "../../shared/errors.ts";
import type { LuaScript } from "./lua.ts";

export type RedisClient = ReturnType<typeof createClient>;

/** Readiness pings give up after this long. */
const PING_TIMEOUT_MS = 1000;

export interface RedisConnectionOptions {
  url: string;
  logger: Logger;
  /** How long start-up waits for Redis before failing. @default 5000 */
  connectTimeoutMs?: number;
  /** Longest pause between reconnection attempts. @default 2000 */
  maxReconnectDelayMs?: number;
}

/** Redis could not be reached at start-up: distributed mode refuses to start half-connected. */
export class RedisUnavailableError extends Error {
  override readonly name = "RedisUnavailableError";
  constructor(url: string, timeoutMs: number, cause: unknown) {
    super(`Redis at ${redactUrl(url)} is unreachable (no connection within ${timeoutMs} ms: ${(cause as Error)?.message ?? cause})`, { cause });
  }
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(invalid url)";
  }
}

/**
 * One command connection and one subscriber connection (a subscribed
 * connection can run no other commands). Commands fail fast while Redis is
 * away (`disableOfflineQueue`) instead of queueing without bound: callers
 * get STORE_UNAVAILABLE and the result outbox keeps what must not be lost.
 * Both connections reconnect forever with capped backoff.
 */
export class RedisConnection {
  readonly client: RedisClient;
  readonly subscriber: RedisClient;
  readonly #logger: Logger;
  readonly #url: string;
  #outageSince: number | null = null;
  #closed = false;
  readonly #readyListeners = new Set<() => void>();

  private constructor(options: RedisConnectionOptions) {
    this.#logger = options.logger;
    this.#url = options.url;
    const maxDelay = options.maxReconnectDelayMs ?? 2000;
    const socket = {
      connectTimeout: Math.min(options.connectTimeoutMs ?? 5000, 5000),
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 8), maxDelay),
    };
    this.client = createClient({ url: options.url, disableOfflineQueue: true, socket });
    this.subscriber = this.client.duplicate();
    for (const [role, client] of [["commands", this.client], ["subscriber", this.subscriber]] as const) {
      client.on("error", (error: Error) => this.#onError(role, error));
      client.on("ready", () => this.#onReady(role));
    }
  }

  /** Connects both connections or throws RedisUnavailableError after `connectTimeoutMs`. */
  static async connect(options: RedisConnectionOptions): Promise<RedisConnection> {
    const connection = new RedisConnection(options);
    const timeoutMs = options.connectTimeoutMs ?? 5000;
    let lastError: unknown = "timed out";
    const onError = (error: unknown) => (lastError = error);
    connection.client.on("error", onError);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all([connection.client.connect(), connection.subscriber.connect()]),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new RedisUnavailableError(options.url, timeoutMs, lastError)), timeoutMs);
        }),
      ]);
      return connection;
    } catch (error) {
      connection.#closed = true;
      connection.client.destroy();
      connection.subscriber.destroy();
      throw error instanceof RedisUnavailableError ? error : new RedisUnavailableError(options.url, timeoutMs, error);
    } finally {
      clearTimeout(timer);
      connection.client.off("error", onError);
    }
  }

  /** Both connections are up. */
  get available(): boolean {
    return this.client.isReady && this.subscriber.isReady;
  }

  /** Called each time the command connection becomes ready again after an outage. */
  onReady(listener: () => void): () => void {
    this.#readyListeners.add(listener);
    return () => this.#readyListeners.delete(listener);
  }

  async ping(): Promise<{ ok: boolean; message?: string }> {
    if (!this.available) return { ok: false, message: `Redis unreachable${this.#outageSince ? ` for ${Math.round((Date.now() - this.#outageSince) / 1000)} s` : ""}` };
    // A Redis that accepts connections but does not answer (paused, overloaded) must not hang /readyz.
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.client.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
        }),
      ]);
      return { ok: true };
    } catch (error) {
      return { ok: false, message: `Redis ping failed: ${(error as Error).message}` };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs commands, turning connection failures into AppError STORE_UNAVAILABLE (503, Retry-After). */
  async run<T>(fn: (client: RedisClient) => Promise<T>): Promise<T> {
    try {
      return await fn(this.client);
    } catch (error) {
      throw translateRedisError(error);
    }
  }

  /** EVALSHA, loading the script on NOSCRIPT (first use, or a Redis that restarted). */
  async script(script: LuaScript, args: (string | number)[]): Promise<unknown> {
    const argv = args.map(String);
    return this.run(async (client) => {
      try {
        return await client.evalSha(script.sha, { arguments: argv });
      } catch (error) {
        if (error instanceof ErrorReply && error.message.startsWith("NOSCRIPT")) return client.eval(script.source, { arguments: argv });
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#readyListeners.clear();
    for (const client of [this.subscriber, this.client]) {
      // quit() waits for pending replies; while Redis is down there is nothing to wait for.
      if (client.isReady) await client.quit().catch(() => client.destroy());
      else if (client.isOpen) client.destroy();
    }
  }

  #onError(role: string, error: Error): void {
    if (this.#closed) return;
    if (this.#outageSince === null) {
      this.#outageSince = Date.now();
      this.#logger.warn({ err: error, role, redis: redactUrl(this.#url) }, "Redis connection lost; retrying");
    } else {
      this.#logger.debug({ err: error, role }, "Redis still unreachable");
    }
  }

  #onReady(role: string): void {
    if (this.#outageSince !== null && this.available) {
      this.#logger.info({ role, outageMs: Date.now() - this.#outageSince }, "Redis connection restored");
      this.#outageSince = null;
    }
    if (role === "commands") for (const listener of this.#readyListeners) listener();
  }
}

/** A Redis reply error is a bug or bad data (kept as is); anything else means Redis is unreachable. */
export function translateRedisError(error: unknown): unknown {
  if (error instanceof AppError || error instanceof ErrorReply) return error;
  return new AppError("STORE_UNAVAILABLE", "The store is unavailable; retry shortly", { retryAfter: 2, cause: error });
}
