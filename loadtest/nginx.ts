import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Debian's nginx (`apt-get install nginx`; .ci/run installs it when missing). */
export const NGINX_BIN = process.env.NGINX_BIN ?? "/usr/sbin/nginx";

export interface ArenaProxyServer {
  /** What nginx listens on (`80`, `443 ssl`, `127.0.0.1:8080`). */
  listen: string;
  /** `server_name`, when the block serves one host. */
  serverName?: string;
  /** Certificate and key files, for a `listen … ssl` server. */
  tls?: { certificate: string; key: string };
  /** nginx `proxy_read_timeout` and `proxy_send_timeout`, e.g. `75s`. */
  readTimeout: string;
  /**
   * `true` (the default, production): `proxy_buffering off`. `false`: nginx's
   * default buffering, left to the server's `X-Accel-Buffering: no` header to
   * switch off for SSE (the proxy test proves the header alone works).
   */
  bufferingOff?: boolean;
}

/** One process's room WebSockets: `PUBLIC_ADDRESS=<host><prefix without the trailing slash>` on that process. */
export interface ArenaProxyProcess {
  /** Location prefix, e.g. `/p1/`. */
  prefix: string;
  /** The process's `host:port`. */
  address: string;
}

/** The headers and timeouts every proxied location sets. */
function proxyLines(server: ArenaProxyServer): string[] {
  return [
    "    proxy_http_version 1.1;",
    "    proxy_set_header Upgrade $http_upgrade;",
    "    proxy_set_header Connection $connection_upgrade;",
    "    proxy_set_header Host $host;",
    "    # The client's address, replacing whatever the client sent; the server trusts one hop (TRUST_PROXY=1).",
    "    proxy_set_header X-Forwarded-For $remote_addr;",
    "    proxy_set_header X-Forwarded-Proto $scheme;",
    "",
    "    # Longer than STREAM_HEARTBEAT_MS, LONG_POLL_MAX_WAIT_SECONDS and WS_PING_INTERVAL_MS.",
    `    proxy_read_timeout ${server.readTimeout};`,
    `    proxy_send_timeout ${server.readTimeout};`,
  ];
}

/**
 * The `upstream` + `map` + `server` blocks (inside `http {}`) in front of the
 * arena server: the configs docs/operations.md and the README show
 * (production timeouts) and the proxy tests and `npm run proxy:check` run
 * (short timeouts). `location /` carries everything any process may answer:
 * API, SSE streams, long polls, `/matchmake`, and (one process) room
 * WebSockets; with several processes, `processes` adds one location per
 * process for its rooms (docs/operations.md, "Several processes").
 */
export function arenaProxyConfig(options: { upstreams: string[]; servers: ArenaProxyServer[]; processes?: ArenaProxyProcess[] }): string {
  const lines = [
    "upstream arena {",
    ...options.upstreams.map((address) => `  server ${address};`),
    "  # Idle HTTP/1.1 connections kept open to the arena (needs the empty Connection header below).",
    "  keepalive 32;",
    "}",
    "",
    "# WebSocket upgrades pass `Connection: upgrade`; every other request an empty",
    "# Connection header (not sent), so upstream connections are kept alive.",
    "map $http_upgrade $connection_upgrade {",
    "  default upgrade;",
    "  ''      '';",
    "}",
  ];
  for (const server of options.servers) {
    lines.push("", "server {", `  listen ${server.listen};`);
    if (server.serverName) lines.push(`  server_name ${server.serverName};`);
    if (server.tls) lines.push(`  ssl_certificate ${server.tls.certificate};`, `  ssl_certificate_key ${server.tls.key};`);
    for (const process of options.processes ?? []) {
      lines.push(
        "",
        `  # Room WebSockets of the process with PUBLIC_ADDRESS=<host>${process.prefix.replace(/\/$/, "")}.`,
        `  location ${process.prefix} {`,
        `    proxy_pass http://${process.address}/;`,
        ...proxyLines(server),
        "  }",
      );
    }
    lines.push(
      "",
      options.processes?.length ? "  # API, SSE streams, long polls, /matchmake: any process." : "  # Everything: API, SSE streams, long polls, /matchmake and room WebSockets.",
      "  location / {",
      "    proxy_pass http://arena;",
      ...proxyLines(server),
      ...(server.bufferingOff === false
        ? []
        : ["    # SSE events pass at once (the server also sends X-Accel-Buffering: no).", "    proxy_buffering off;"]),
      "    proxy_cache off;",
      "    gzip off;",
      "  }",
      "",
      "  # Unauthenticated: scrape each process directly, do not publish it.",
      "  location = /metrics {",
      "    return 404;",
      "  }",
      "}",
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The config docs/operations.md shows: one process on 2567, production timeouts (a test checks the doc has it verbatim). */
export const PRODUCTION_PROXY_CONFIG = arenaProxyConfig({ upstreams: ["127.0.0.1:2567"], servers: [{ listen: "80", readTimeout: "75s" }] });

/**
 * Two processes behind one TLS host, each with its rooms under its own path:
 * the README's "Scaling out" block (checked verbatim by a test, and run, with
 * a local listen and short timeouts, by test/security/http-client-ip.test.ts).
 */
export function scaledOutProxyConfig(options: { upstreams: [string, string]; server: ArenaProxyServer }): string {
  return arenaProxyConfig({
    upstreams: options.upstreams,
    processes: options.upstreams.map((address, i) => ({ prefix: `/p${i + 1}/`, address })),
    servers: [options.server],
  });
}

export const README_PROXY_CONFIG = scaledOutProxyConfig({
  upstreams: ["127.0.0.1:2567", "127.0.0.1:2568"],
  server: { listen: "443 ssl", serverName: "game.example.com", tls: { certificate: "/etc/ssl/game.example.com.pem", key: "/etc/ssl/game.example.com.key" }, readTimeout: "75s" },
});

export interface NginxChild {
  /** The whole nginx.conf it runs. */
  config: string;
  dir: string;
  /** The access log so far (`… "GET /path HTTP/1.1" 200 <bytes> upstream=<s> total=<s>`). */
  accessLog(): string;
  /** The error log so far (proxy timeouts show up as `upstream timed out`). */
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * A free TCP port on 127.0.0.1 (bound then released), chosen below the
 * kernel's ephemeral range. A port from `listen(0)` comes from that range,
 * so between its release and the child (nginx, redis-server) binding it, a
 * server of another test listening on port 0 could be given the same port,
 * and the child would then fail to bind while the port still accepted
 * connections (another server answering in nginx's place).
 */
export async function freePort(): Promise<number> {
  const low = ephemeralRangeLow();
  for (let attempt = 0; low > FIXED_PORTS_FROM + 1000 && attempt < 50; attempt++) {
    const port = await listenAndRelease(FIXED_PORTS_FROM + Math.floor(Math.random() * (low - FIXED_PORTS_FROM)));
    if (port !== undefined) return port;
  }
  return (await listenAndRelease(0))!;
}

/** Where freePort's range starts (below it: well-known and common service ports). */
const FIXED_PORTS_FROM = 10_000;

/** The first port of the kernel's ephemeral range (Linux; 32768 when it cannot be read). */
function ephemeralRangeLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) ? low : 32768;
  } catch {
    return 32768;
  }
}

/** Listens on `port` of 127.0.0.1 (0: any) and closes again: the port it got, or undefined when it was taken. */
function listenAndRelease(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(undefined));
    server.listen(port, "127.0.0.1", () => {
      const { port: bound } = server.address() as net.AddressInfo;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * Whether the process `pid` holds the listening socket of `port`, from
 * `ss -ltnp`; undefined when `ss` cannot tell (not installed).
 */
function listensOn(port: number, pid: number): boolean | undefined {
  const ss = spawnSync("ss", ["-Hltnp", `sport = :${port}`], { encoding: "utf8" });
  if (ss.error || ss.status !== 0) return undefined;
  return ss.stdout.includes(`pid=${pid},`);
}

/** How long nginx gets for every port to accept. */
const NGINX_START_TIMEOUT_MS = 10_000;
/** How long nginx gets after SIGTERM before SIGKILL. */
const NGINX_STOP_TIMEOUT_MS = 3000;

/**
 * Runs Debian's nginx as a child process (`-p <tmpdir> -c <conf> -g 'daemon
 * off;'`) with the given `http {}` blocks; logs, pid and temp files live in a
 * temp dir removed by `stop()`. Resolves once nginx listens on every port in
 * `ports` (checked with `ss` where it is installed, so a port another
 * process took is an error, not a silent stand-in). Throws a clear error if
 * nginx is not installed.
 */
export async function startNginx(options: { httpBlocks: string; ports: number[]; workerConnections?: number }): Promise<NginxChild> {
  if (!existsSync(NGINX_BIN)) {
    throw new Error(`nginx is not installed (${NGINX_BIN} is missing): install Debian's package (apt-get install -y nginx), as .ci/run does`);
  }
  const dir = mkdtempSync(join(tmpdir(), "arena-nginx-"));
  const config = nginxConfig(dir, options.httpBlocks, options.workerConnections ?? 1024);
  const confPath = join(dir, "nginx.conf");
  writeFileSync(confPath, config);

  let output = "";
  const child: ChildProcess = spawn(NGINX_BIN, ["-p", dir, "-c", confPath, "-g", "daemon off;"], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const read = (file: string) => {
    try {
      return readFileSync(join(dir, file), "utf8");
    } catch {
      return "";
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM"); // fast shutdown: the master stops its worker and exits
      const timer = setTimeout(() => child.kill("SIGKILL"), NGINX_STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + NGINX_START_TIMEOUT_MS;
  for (const port of options.ports) {
    for (;;) {
      if (child.exitCode !== null) {
        const log = read("error.log");
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`nginx exited with ${child.exitCode}: ${output}${log}\n--- nginx.conf ---\n${config}`);
      }
      // The port accepting is not enough: it must be nginx's (another process may hold it, and nginx then retries its bind and exits).
      if ((await accepts(port)) && listensOn(port, child.pid!) !== false) break;
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`nginx did not listen on ${port} within ${NGINX_START_TIMEOUT_MS / 1000} s: ${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { config, dir, accessLog: () => read("access.log"), errorLog: () => read("error.log"), stop };
}

/** The whole nginx.conf: one worker, its files under `dir`, the given `http {}` blocks. */
function nginxConfig(dir: string, httpBlocks: string, connections: number): string {
  return [
    "worker_processes 1;",
    `worker_rlimit_nofile ${connections * 4};`,
    `error_log ${dir}/error.log info;`,
    `pid ${dir}/nginx.pid;`,
    `events { worker_connections ${connections}; }`,
    "http {",
    // The combined log's `"$request" $status` plus how long the arena took to answer (the hold, for a long poll).
    `  log_format arena '$remote_addr [$time_local] "$request" $status $body_bytes_sent upstream=$upstream_response_time total=$request_time';`,
    `  access_log ${dir}/access.log arena;`,
    `  client_body_temp_path ${dir}/client_body;`,
    `  proxy_temp_path ${dir}/proxy;`,
    `  fastcgi_temp_path ${dir}/fastcgi;`,
    `  uwsgi_temp_path ${dir}/uwsgi;`,
    `  scgi_temp_path ${dir}/scgi;`,
    ...httpBlocks.trimEnd().split("\n").map((line) => (line ? `  ${line}` : line)),
    "}",
    "",
  ].join("\n");
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
