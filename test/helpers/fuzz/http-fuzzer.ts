import fc from "fast-check";
import { ErrorCodes, type ErrorBody } from "../../../shared/index.ts";
import { httpCaseArb, type HttpCase } from "./arbitraries.ts";
import type { Findings } from "./findings.ts";
import type { FuzzServer } from "./room-fuzzer.ts";

/**
 * Hostile HTTP against every endpoint family (auth, leaderboards + admin,
 * matches, leagues, streams): bad JSON, bad query values, huge bodies, bad
 * Last-Event-ID, bad cursors, junk ids and tokens. Every answer is a success
 * or a documented status with the `{error:{code,message}}` shape, never 500.
 */
export const httpStatuses = new Map<number, number>();

export async function fuzzHttp(server: FuzzServer, token: string, runs: number, findings: Findings): Promise<void> {
  const name = "http";
  const count = (status: number) => httpStatuses.set(status, (httpStatuses.get(status) ?? 0) + 1);
  const check = async (response: Response, what: string) => {
    count(response.status);
    if (response.status < 400) return void (await response.body?.cancel());
    const text = await response.text();
    findings.check(response.status !== 500, "internal", name, () => `500 for ${what}: ${text.slice(0, 300)}`);
    let body: ErrorBody | undefined;
    try {
      body = JSON.parse(text) as ErrorBody;
    } catch {
      return findings.found("invariant", name, `${response.status} without a JSON body for ${what}: ${text.slice(0, 200)}`);
    }
    if (!body.error || typeof body.error.message !== "string") return findings.found("invariant", name, `error shape for ${what}: ${text.slice(0, 200)}`);
    findings.check(Object.hasOwn(ErrorCodes, body.error.code), "invariant", name, () => `undocumented code ${body.error.code} for ${what}`);
    findings.check(ErrorCodes[body.error.code]?.status === response.status, "invariant", name, () => `status ${response.status} with code ${body.error.code} for ${what}`);
    findings.check(body.error.code !== "INTERNAL", "internal", name, () => `INTERNAL for ${what}`);
  };
  const one = async (c: HttpCase) => {
    findings.tried(name);
    const params = new URLSearchParams(c.query);
    // Holding endpoints: keep any valid wait short so a parked request ends fast.
    if (c.endpoint.holds && params.has("wait")) params.set("wait", "0");
    const url = `${server.httpUrl}${c.endpoint.path(encodeURIComponent(c.id), encodeURIComponent(c.id2))}${params.size ? `?${params}` : ""}`;
    const headers: Record<string, string> = {};
    if (c.auth === "valid") headers.authorization = `Bearer ${token}`;
    else if (c.auth === "admin") headers["x-admin-key"] = server.adminKey;
    else if (c.auth !== "none") headers.authorization = c.auth;
    if (c.lastEventId !== undefined) headers["last-event-id"] = c.lastEventId.replace(/[\r\n\0]/g, "");
    if (c.body && c.endpoint.body) headers["content-type"] = c.body.type;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 1500);
    try {
      const response = await fetch(url, { method: c.endpoint.method, headers, body: c.endpoint.body ? c.body?.text : undefined, signal: controller.signal, redirect: "manual" });
      // A 200 stream stays open: only its status matters here.
      if (response.status === 200 && c.endpoint.holds) {
        count(200);
        controller.abort();
        return;
      }
      await check(response, `${c.endpoint.method} ${url.slice(0, 200)}`);
    } catch (error) {
      if (!(c.endpoint.holds && controller.signal.aborted)) findings.found("invariant", name, `${c.endpoint.method} ${url.slice(0, 200)} failed: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  };
  await fc.assert(fc.asyncProperty(httpCaseArb, one), { numRuns: runs, endOnFailure: true });
}
