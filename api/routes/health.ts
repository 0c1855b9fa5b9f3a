import type Router from "@koa/router";
import type { Registry } from "prom-client";
import type { ReadinessResponse } from "../../shared/index.ts";
import type { ApiState } from "../context.ts";
import { contractRouter } from "../contract-router.ts";

export interface HealthRoutesDeps {
  startedAt: number;
  /** Runs the readiness checks (stores reachable, not draining). */
  readiness: () => Promise<ReadinessResponse>;
  registry: Registry;
}

/** `/healthz` (the process is up), `/readyz` (it should get traffic), `/metrics` (Prometheus). */
export function healthRoutes(deps: HealthRoutesDeps): Router<ApiState> {
  return contractRouter({
    "GET /healthz": (ctx) => {
      ctx.set("Cache-Control", "no-store");
      return { status: "ok", uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000) };
    },
    "GET /readyz": async (ctx) => {
      const readiness = await deps.readiness();
      ctx.set("Cache-Control", "no-store");
      ctx.status = readiness.status === "ready" ? 200 : 503;
      if (readiness.status === "draining") ctx.set("Retry-After", "5");
      return readiness;
    },
    "GET /metrics": async (ctx, request) => {
      const { name } = request.query("metrics query");
      ctx.set("Cache-Control", "no-store");
      ctx.type = deps.registry.contentType;
      ctx.body = name === undefined ? await deps.registry.metrics() : await namedMetrics(deps.registry, typeof name === "string" ? [name] : name);
    },
  });
}

/** Only the named metrics, in the order asked (each collected alone: a gauge's collect callback runs only when it is asked for). */
async function namedMetrics(registry: Registry, names: readonly string[]): Promise<string> {
  const texts: string[] = [];
  for (const name of new Set(names)) {
    if (registry.getSingleMetric(name)) texts.push(await registry.getSingleMetricAsString(name));
  }
  return texts.length ? `${texts.join("\n")}\n` : "";
}
