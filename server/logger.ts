import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/** Structured JSON logs on stdout (pino). `silent` in tests unless LOG_LEVEL says otherwise. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { pid: process.pid, ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ["req.headers.authorization", "req.headers[\"x-admin-key\"]", "token"], censor: "[redacted]" },
  };
  return destination ? pino(options, destination) : pino(options);
}
