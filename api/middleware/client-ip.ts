import { BlockList, isIP } from "node:net";
import type { Middleware } from "koa";
import type { ApiState } from "../context.ts";

/**
 * Which peers may tell the server a client's address (TRUST_PROXY):
 * `false` (none: the socket's peer is the client), `true` (every address in
 * `X-Forwarded-For`: the leftmost is the client, safe only when the proxy
 * replaces the header), a number of trusted hops (the proxies in front, the
 * nearest first), or a list of the proxies' addresses and CIDR ranges.
 */
export type TrustProxy = boolean | number | string[];

/**
 * Parses TRUST_PROXY: `true`, `false`, a hop count (`0` = false), or a comma
 * list of IPv4/IPv6 addresses and CIDR ranges. Returns an error message for
 * anything else.
 */
export function parseTrustProxy(raw: string): TrustProxy | { error: string } {
  const value = raw.trim();
  if (value === "true") return true;
  if (value === "false") return false;
  if (/^\d{1,2}$/.test(value)) return Number(value) === 0 ? false : Number(value);
  const entries = value.split(",").map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) return { error: "must be true, false, a number of proxy hops, or a comma list of proxy addresses/CIDRs" };
  for (const entry of entries) {
    if (!parseRange(entry)) return { error: `${JSON.stringify(entry)} is not an IP address or CIDR range (expected true, false, a hop count, or addresses like 10.0.0.1, 10.0.0.0/8, fd00::/8)` };
  }
  return entries;
}

function parseRange(entry: string): { address: string; prefix?: number; family: "ipv4" | "ipv6" } | undefined {
  const [rawAddress, prefixText, extra] = entry.split("/");
  if (extra !== undefined || !rawAddress) return undefined;
  const address = prefixText === undefined ? normaliseAddress(rawAddress) : rawAddress;
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? "ipv4" : "ipv6";
  if (prefixText === undefined) return { address, family };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (version === 4 ? 32 : 128)) return undefined;
  return { address, prefix, family };
}

/** `::ffff:1.2.3.4` (an IPv4 peer of a dual-stack socket) → `1.2.3.4`; brackets and surrounding space dropped. */
export function normaliseAddress(address: string): string {
  let value = address.trim();
  if (value.startsWith("[") && value.endsWith("]")) value = value.slice(1, -1);
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(value);
  return mapped ? mapped[1] : value;
}

/**
 * Returns the function that picks a request's client address from its peer
 * address and `X-Forwarded-For` under `trust`: the chain is the header's
 * addresses followed by the peer; walking it from the right (the nearest hop
 * first), trusted proxies are skipped and the first untrusted address is the
 * client. A client can prepend whatever it likes to the header, but never
 * past an address a trusted proxy appended, so it cannot choose its address.
 * When every address is trusted the leftmost one is the client.
 */
export function clientAddressResolver(trust: TrustProxy): (peer: string, forwardedFor: string) => string {
  if (trust === false || trust === 0) return (peer) => normaliseAddress(peer);
  const chainOf = (peer: string, forwardedFor: string) => {
    const forwarded = forwardedFor ? forwardedFor.split(",").map(normaliseAddress).filter(Boolean) : [];
    return [...forwarded, normaliseAddress(peer)];
  };
  if (trust === true) return (peer, forwardedFor) => chainOf(peer, forwardedFor)[0]!;
  if (typeof trust === "number") {
    return (peer, forwardedFor) => {
      const chain = chainOf(peer, forwardedFor);
      return chain[Math.max(0, chain.length - 1 - trust)]!;
    };
  }
  const trusted = new BlockList();
  for (const entry of trust) {
    const range = parseRange(entry)!;
    if (range.prefix === undefined) trusted.addAddress(range.address, range.family);
    else trusted.addSubnet(range.address, range.prefix, range.family);
  }
  const isTrusted = (address: string) => {
    const version = isIP(address);
    return version !== 0 && trusted.check(address, version === 4 ? "ipv4" : "ipv6");
  };
  return (peer, forwardedFor) => {
    const chain = chainOf(peer, forwardedFor);
    for (let i = chain.length - 1; i > 0; i--) if (!isTrusted(chain[i]!)) return chain[i]!;
    return chain[0]!;
  };
}

/** Sets `ctx.ip` (what every per-IP limit keys on) from the socket and `X-Forwarded-For` under TRUST_PROXY. */
export function clientIp(trust: TrustProxy): Middleware<ApiState> {
  const resolve = clientAddressResolver(trust);
  const readsHeader = trust !== false && trust !== 0;
  return async (ctx, next) => {
    ctx.request.ip = resolve(ctx.req.socket.remoteAddress ?? "", readsHeader ? ctx.get("X-Forwarded-For") : "");
    await next();
  };
}
