/** HTTP DTOs shared by the API and the SDK (the route table is in shared/api/). */
export interface HealthResponse {
  status: "ok";
  uptimeSeconds: number;
}

export interface ReadinessResponse {
  status: "ready" | "not-ready" | "draining";
  checks: Record<string, { ok: boolean; message?: string }>;
}

/** `GET /sdk/manifest.json`: the SDK's browser entries under their content-hashed names. */
export interface SdkManifestResponse {
  entries: Record<string, { url: string; map: string; integrity: string; bytes: number; gzipBytes: number }>;
}
