import type { FetchLike } from "../client-sdk/index.ts";

/**
 * Fetches for load-generator clients that hold thousands of connections
 * open at once (SSE streams, parked long polls).
 *
 * Node's fetch (undici) keeps one connection pool per origin, and on every
 * request it scans the pool's connections for a free one: with N parked
 * polls on one origin that is O(N) per request, O(N²) per round — at
 * 3,000 polls the generator spent most of its time there. Each group of
 * CLIENTS_PER_AGENT clients gets its own undici Agent (own pools), which
 * keeps every scan short.
 *
 * On Linux, a loopback target is also reached from a spread of source
 * addresses (127.0.0.1 … 127.0.0.200, all local), so one generator is not
 * limited by the ~28k ephemeral ports of a single source address.
 */
export const CLIENTS_PER_AGENT = 100;
const SOURCE_ADDRESSES = 200;

type AgentLike = object;
type AgentConstructor = new (options: { localAddress?: string; keepAliveTimeout?: number; connections?: number }) => AgentLike;

const agents = new Map<string, AgentLike>();
let AgentClass: AgentConstructor | undefined | null;

/** Node's bundled undici Agent (the class of its global dispatcher, which Node registers under this symbol once fetch has run). */
async function agentClass(url: string): Promise<AgentConstructor | undefined> {
  if (AgentClass !== undefined) return AgentClass ?? undefined;
  const key = Symbol.for("undici.globalDispatcher.1");
  let dispatcher = (globalThis as Record<symbol, unknown>)[key];
  if (!dispatcher) {
    // The global dispatcher is created by the first fetch.
    await fetch(url, { method: "HEAD" }).then((r) => r.arrayBuffer()).catch(() => undefined);
    dispatcher = (globalThis as Record<symbol, unknown>)[key];
  }
  const ctor = (dispatcher as { constructor?: unknown } | undefined)?.constructor;
  AgentClass = typeof ctor === "function" && ctor.name === "Agent" ? (ctor as AgentConstructor) : null;
  return AgentClass ?? undefined;
}

/** An IPv4 loopback literal (a name like localhost may resolve to ::1, which a 127.0.0.x source cannot reach). */
function isLoopback(url: string): boolean {
  return new URL(url).hostname.startsWith("127.");
}

/**
 * A fetch for client `index` (global): shares an Agent with the
 * CLIENTS_PER_AGENT clients around it. Falls back to the plain global fetch
 * when Node's undici Agent cannot be found.
 *
 * `oneConnectionEach`: for clients that never have two requests in flight
 * (long-poll followers), the group's pool is capped at one connection per
 * client. Uncapped, undici opens a new connection for a re-poll sent the
 * moment the previous answer is read (that connection is not yet back in
 * the pool), so after a few wake-up rounds every follower holds two
 * connections on the server (one idle) — a generator artefact that doubled
 * the server's sockets per poll (ours and the naive one alike) and made the
 * generator hit the 20,000-fd limit at 10,000 polls. A browser follows a
 * feed on one keep-alive connection.
 */
export function groupFetch(index: number, url: string, options: { oneConnectionEach?: boolean } = {}): FetchLike {
  const group = Math.floor(index / CLIENTS_PER_AGENT);
  const key = `${group}${options.oneConnectionEach ? ":capped" : ""}`;
  let dispatcher: Promise<AgentLike | undefined> | undefined;
  const get = () =>
    (dispatcher ??= agentClass(url).then((Agent) => {
      if (!Agent) return undefined;
      let agent = agents.get(key);
      if (!agent) {
        const localAddress = process.platform === "linux" && isLoopback(url) ? `127.0.0.${1 + (group % SOURCE_ADDRESSES)}` : undefined;
        agent = new Agent(options.oneConnectionEach ? { localAddress, connections: CLIENTS_PER_AGENT } : { localAddress });
        agents.set(key, agent);
      }
      return agent;
    }));
  return async (input, init) => {
    const agent = await get();
    return fetch(input, agent ? ({ ...init, dispatcher: agent } as RequestInit) : init);
  };
}
