import { z } from "zod";
import { AppError } from "./errors.ts";

/**
 * Every payload that crosses a process boundary (HTTP bodies and queries,
 * room messages, room join options) is parsed by a zod schema from `shared/`
 * before anything uses it. zod schemas are Standard Schemas, so Colyseus 0.18's
 * `onMessage(type, schema, handler)` accepts the same objects.
 */
export interface ValidationIssue {
  path: string;
  message: string;
}

export function describeIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
}

/** Parses `value` or throws `AppError(VALIDATION_FAILED)` listing the issues. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = describeIssues(result.error);
  const first = issues[0];
  throw new AppError("VALIDATION_FAILED", `Invalid ${what}: ${first ? `${first.path}: ${first.message}` : "malformed"}`, {
    details: { issues },
  });
}

/**
 * A number from a query string (`?limit=20`), coerced, with one message that
 * says what is expected: `z.coerce.number()` alone reports `abc` as
 * "expected number, received NaN", which tells a caller nothing.
 */
export function queryNumber(name: string, range: { min: number; max: number; int?: boolean; unit?: string; note?: string }) {
  const kind = range.int ? "a whole number" : "a number";
  const message = `${name} must be ${kind}${range.unit ? ` of ${range.unit}` : ""} from ${range.min} to ${range.max}${range.note ? ` (${range.note})` : ""}`;
  // Typed as a number for callers (the SDK's query options); the server still coerces the query string.
  const number = z.coerce.number<number>({ error: message });
  return (range.int ? number.int({ error: message }) : number).min(range.min, { error: message }).max(range.max, { error: message });
}
