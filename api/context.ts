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
}

export type ApiContext = ParameterizedContext<ApiState>;
