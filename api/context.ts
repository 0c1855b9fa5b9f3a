import type { ParameterizedContext } from "koa";
import type { Logger } from "pino";
import type { TokenClaims } from "../shared/index.ts";

/** What the API's middleware puts on `ctx.state`. */
export interface ApiState {
  requestId: string;
  log: Logger;
  /** Metrics/log label for requests no router matched (raw mounts). */
  routeLabel?: string;
  /** Set by `requireAuth`. */
  player?: TokenClaims;
  /**
   * Logs through the app's LogThrottle (repeated lines of one `kind` are
   * rate-limited), with the request id. Set by requestContext.
   */
  logLimited?(level: "warn" | "error", kind: string, fields: Record<string, unknown>, message: string): void;
}

export type ApiContext = ParameterizedContext<ApiState>;
