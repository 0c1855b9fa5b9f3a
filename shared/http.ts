/** HTTP DTOs shared by the API and the SDK. Later issues add theirs here. */
export interface HealthResponse {
  status: "ok";
  uptimeSeconds: number;
}

export interface ReadinessResponse {
  status: "ready" | "not-ready" | "draining";
  checks: Record<string, { ok: boolean; message?: string }>;
}

export const API_PREFIX = "/v1";
