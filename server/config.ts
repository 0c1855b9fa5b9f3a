import { randomBytes } from "node:crypto";
import type { TrustProxy } from "../api/middleware/client-ip.ts";
import { CONFIG_VARIABLES, type ConfigValues, type ConfigVariable, type VariableSpec } from "./config-variables.ts";
import { v8FlagsFor } from "./node-flags.ts";
import type { ProcessRole } from "./room-placement.ts";

export { CONFIG_VARIABLES, type ConfigVariable } from "./config-variables.ts";

/**
 * The only reader of `process.env`: modules get their settings from the
 * composition root as plain options, so tests run servers with any
 * configuration side by side. Every variable is declared once in
 * {@link CONFIG_VARIABLES} (config-variables.ts) with its default and doc
 * line; the README's configuration table lists exactly these (a test checks it).
 */

export interface Config {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  publicAddress?: string;
  redisUrl?: string;
  /** `api`: hosts no rooms (server/room-placement.ts). */
  processRole: ProcessRole;
  /** V8 flags the process sets on itself at start (main.ts): its role's default (server/node-flags.ts), or what V8_HEAP_GROWING_PERCENT says. */
  v8Flags: string[];
  /** Store keys in Redis: prefix, start-up timeout, outbox bound; and the start-up board file. */
  stores: { keyPrefix: string; connectTimeoutMs: number; outboxLimit: number; leaderboardsFile?: string };
  tokenSecret: string;
  tokenTtlSeconds: number;
  adminKey: string;
  logLevel: string;
  tickRateHz: number;
  patchRateHz: number;
  spectateRateHz: number;
  ws: {
    maxPayloadBytes: number;
    pingIntervalMs: number;
    pingMaxRetries: number;
    messagesPerSecond: number;
    messageBurst: number;
    controlFramesPerSecond: number;
    controlFrameBurst: number;
    maxBufferedBytes: number;
  };
  reconnectWindowSeconds: number;
  authRefreshLeadSeconds: number;
  /** Draft rooms: pool size, how long a finished or idle draft stays open, how often scheduled starts are checked. */
  draft: { poolLimit: number; closeAfterSeconds: number; idleCloseSeconds: number; scheduleCheckMs: number };
  /** One team room per player: the lease of a member's claim. */
  teamMembershipLeaseSeconds: number;
  /** Team matchmaking: the rating-gap policy, the pairing interval, the options of every matchmade game. */
  matchmaking: { policy: { initialGap: number; gapGrowthPerSecond: number; maxGap: number }; intervalMs: number; gameOptions: Record<string, unknown> };
  http: { bodyLimitBytes: number; joinAttemptsPerMinute: number; guestSignupsPerMinute: number; headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; listenBacklog: number };
  streams: {
    public: boolean;
    heartbeatMs: number;
    lifetimeMs: number;
    /** The `retry:` hint of leaderboard streams. */
    retryMs: number;
    /** The `retry:` hint of spectator streams. */
    spectateRetryMs: number;
    writeDeadlineMs: number;
    history: number;
    perClient: number;
    perIp: number;
    max: number;
    publishersMax: number;
    publisherLingerMs: number;
  };
  polls: { perClient: number; perIp: number; max: number; maxWaitSeconds: number };
  corsOrigins: "*" | string[];
  trustProxy: TrustProxy;
  drainDelayMs: number;
  shutdownGraceMs: number;
}

export interface LoadedConfig {
  config: Config;
  /** Things worth a loud log line (generated secrets). */
  warnings: string[];
}

interface Problem {
  variable: string;
  message: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: Problem[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join("\n")}`);
  }
}

/** Reads and validates the environment. Throws `ConfigError` naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): LoadedConfig {
  const { values, problems } = parseVariables(env);
  const production = (values.NODE_ENV ?? "development") === "production";
  const warnings: string[] = [];
  const secrets = resolveSecrets(values, production, problems, warnings);
  problems.push(...crossChecks(values));
  if (problems.length > 0) throw new ConfigError(problems);
  if (values.REDIS_URL && !values.PUBLIC_ADDRESS) {
    warnings.push("REDIS_URL is set without PUBLIC_ADDRESS: rooms of this process are announced at its bound host:port, which clients reach only on the same machine without a proxy. Set PUBLIC_ADDRESS per process (docs/operations.md).");
  }
  return { config: toConfig(values as ConfigValues, secrets, production), warnings };
}

/** Each variable through its schema (an empty string counts as unset); a problem per bad one. */
function parseVariables(env: Record<string, string | undefined>): { values: Partial<ConfigValues>; problems: Problem[] } {
  const values: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const [name, spec] of Object.entries(CONFIG_VARIABLES) as [ConfigVariable, VariableSpec][]) {
    const raw = env[name] === "" ? undefined : env[name];
    const result = spec.schema.safeParse(raw ?? spec.default);
    if (result.success) values[name] = result.data;
    else problems.push({ variable: name, message: `${result.error.issues[0]?.message ?? "invalid"} (got ${JSON.stringify(raw)})` });
  }
  return { values: values as Partial<ConfigValues>, problems };
}

/** TOKEN_SECRET and ADMIN_KEY: required in production, generated (with a warning) otherwise. */
function resolveSecrets(values: Partial<ConfigValues>, production: boolean, problems: Problem[], warnings: string[]): { tokenSecret: string; adminKey: string } {
  let tokenSecret = values.TOKEN_SECRET;
  if (!tokenSecret && !problems.some((p) => p.variable === "TOKEN_SECRET")) {
    if (production) problems.push({ variable: "TOKEN_SECRET", message: "is required when NODE_ENV=production" });
    else {
      tokenSecret = randomBytes(32).toString("hex");
      warnings.push("TOKEN_SECRET is not set: generated a random one for this process. Tokens will not survive a restart and other processes will reject them. Set TOKEN_SECRET in any shared or lasting deployment.");
    }
  }
  let adminKey = values.ADMIN_KEY;
  if (!adminKey && !problems.some((p) => p.variable === "ADMIN_KEY")) {
    if (production) problems.push({ variable: "ADMIN_KEY", message: "is required when NODE_ENV=production" });
    else {
      adminKey = randomBytes(18).toString("base64url");
      warnings.push(`ADMIN_KEY is not set: generated one for this process: ${adminKey}`);
    }
  }
  return { tokenSecret: tokenSecret!, adminKey: adminKey! };
}

/** Rules between variables (each variable is valid on its own). */
function crossChecks(values: Partial<ConfigValues>): Problem[] {
  const problems: Problem[] = [];
  const { TICK_RATE_HZ: tick, PATCH_RATE_HZ: patch } = values;
  if (tick !== undefined && patch !== undefined && tick % patch !== 0) {
    // Game rooms patch right after a step (no second timer: input → state waits for one clock, not two).
    problems.push({ variable: "TICK_RATE_HZ", message: `must be a multiple of PATCH_RATE_HZ (${patch}); got ${tick}` });
  }
  const { HTTP_HEADERS_TIMEOUT_MS: headersTimeout, HTTP_REQUEST_TIMEOUT_MS: requestTimeout } = values;
  if (headersTimeout !== undefined && requestTimeout !== undefined && headersTimeout > requestTimeout) {
    // Node refuses a header timeout longer than the whole request's.
    problems.push({ variable: "HTTP_REQUEST_TIMEOUT_MS", message: `must be at least HTTP_HEADERS_TIMEOUT_MS (${headersTimeout}); got ${requestTimeout}` });
  }
  if (values.PROCESS_ROLE === "api" && !values.REDIS_URL) {
    // One process without Redis would have nowhere to create rooms.
    problems.push({ variable: "PROCESS_ROLE", message: "`api` hosts no rooms, so it needs REDIS_URL and another process with PROCESS_ROLE=all to host them" });
  }
  return problems;
}

/** `--heap-growing-percent`: the variable when set (0: none), else the role's default (server/node-flags.ts). */
function corsOriginsOf(raw: string | undefined, production: boolean): Config["corsOrigins"] {
  const value = raw?.trim();
  if (value === undefined) return production ? [] : "*";
  return value === "*" ? "*" : value.split(",").map((origin) => origin.trim()).filter(Boolean);
}

function toConfig(v: ConfigValues, secrets: { tokenSecret: string; adminKey: string }, production: boolean): Config {
  return {
    env: v.NODE_ENV,
    port: v.PORT,
    host: v.HOST,
    publicAddress: v.PUBLIC_ADDRESS,
    redisUrl: v.REDIS_URL,
    processRole: v.PROCESS_ROLE,
    v8Flags: v8FlagsFor(v.V8_HEAP_GROWING_PERCENT, v.PROCESS_ROLE),
    stores: { keyPrefix: v.REDIS_KEY_PREFIX, connectTimeoutMs: v.REDIS_CONNECT_TIMEOUT_MS, outboxLimit: v.RESULT_OUTBOX_LIMIT, leaderboardsFile: v.LEADERBOARDS_FILE },
    ...secrets,
    tokenTtlSeconds: v.TOKEN_TTL_SECONDS,
    logLevel: v.LOG_LEVEL,
    tickRateHz: v.TICK_RATE_HZ,
    patchRateHz: v.PATCH_RATE_HZ,
    spectateRateHz: v.SPECTATE_RATE_HZ,
    ws: {
      maxPayloadBytes: v.WS_MAX_PAYLOAD_BYTES,
      pingIntervalMs: v.WS_PING_INTERVAL_MS,
      pingMaxRetries: v.WS_PING_MAX_RETRIES,
      messagesPerSecond: v.WS_MESSAGES_PER_SECOND,
      messageBurst: v.WS_MESSAGE_BURST,
      controlFramesPerSecond: v.WS_CONTROL_FRAMES_PER_SECOND,
      controlFrameBurst: v.WS_CONTROL_FRAME_BURST,
      maxBufferedBytes: v.WS_MAX_BUFFERED_BYTES,
    },
    reconnectWindowSeconds: v.RECONNECT_WINDOW_SECONDS,
    authRefreshLeadSeconds: v.AUTH_REFRESH_LEAD_SECONDS,
    draft: { poolLimit: v.DRAFT_POOL_LIMIT, closeAfterSeconds: v.DRAFT_CLOSE_AFTER_SECONDS, idleCloseSeconds: v.DRAFT_IDLE_CLOSE_SECONDS, scheduleCheckMs: v.DRAFT_SCHEDULE_CHECK_MS },
    teamMembershipLeaseSeconds: v.TEAM_MEMBERSHIP_LEASE_SECONDS,
    matchmaking: {
      policy: { initialGap: v.MATCHMAKING_RATING_GAP, gapGrowthPerSecond: v.MATCHMAKING_GAP_GROWTH_PER_SECOND, maxGap: v.MATCHMAKING_MAX_RATING_GAP },
      intervalMs: v.MATCHMAKING_INTERVAL_MS,
      gameOptions: v.MATCH_GAME_OPTIONS ?? {},
    },
    http: {
      bodyLimitBytes: v.HTTP_BODY_LIMIT_BYTES,
      joinAttemptsPerMinute: v.JOIN_ATTEMPTS_PER_MINUTE,
      guestSignupsPerMinute: v.GUEST_SIGNUPS_PER_MINUTE,
      headersTimeoutMs: v.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: v.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: v.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      listenBacklog: v.HTTP_LISTEN_BACKLOG,
    },
    streams: {
      public: v.LEADERBOARDS_PUBLIC,
      heartbeatMs: v.STREAM_HEARTBEAT_MS,
      lifetimeMs: v.STREAM_LIFETIME_MS,
      retryMs: v.STREAM_RETRY_MS,
      spectateRetryMs: v.SPECTATE_RETRY_MS,
      writeDeadlineMs: v.STREAM_WRITE_DEADLINE_MS,
      history: v.STREAM_HISTORY,
      perClient: v.STREAMS_PER_CLIENT,
      perIp: v.STREAMS_PER_IP,
      max: v.STREAMS_MAX,
      publishersMax: v.STREAM_PUBLISHERS_MAX,
      publisherLingerMs: v.STREAM_PUBLISHER_LINGER_MS,
    },
    polls: { perClient: v.POLLS_PER_CLIENT, perIp: v.POLLS_PER_IP, max: v.POLLS_MAX, maxWaitSeconds: v.LONG_POLL_MAX_WAIT_SECONDS },
    corsOrigins: corsOriginsOf(v.CORS_ORIGINS, production),
    trustProxy: v.TRUST_PROXY,
    drainDelayMs: v.DRAIN_DELAY_MS,
    shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
  };
}
