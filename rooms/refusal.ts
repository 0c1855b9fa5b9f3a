import { ErrorCode as ColyseusErrorCode, ServerError } from "@colyseus/core";
import type { z } from "zod";
import { AppError, describeIssues, formatRefusal, type ErrorCode } from "../shared/index.ts";

/**
 * The rooms' one way to refuse a join, a create or a seat: Colyseus's
 * matchmake error whose message is `CODE: message` (shared/refusal.ts), so
 * the SDK reads the typed code and a stock client still reads the message
 * (docs/protocol.md "Join refusals"). `matchmakeCode` is Colyseus's own
 * code: APPLICATION_ERROR unless the refusal is about the token (AUTH_FAILED)
 * or the room query (MATCHMAKE_INVALID_CRITERIA).
 */
export function refusal(code: ErrorCode, message: string, matchmakeCode: number = ColyseusErrorCode.APPLICATION_ERROR): ServerError {
  return new ServerError(matchmakeCode, formatRefusal(code, message));
}

/** Runs `work`; an AppError it throws becomes a refusal with the same code and message. */
export async function asRefusal<T>(work: Promise<T>, matchmakeCode?: number): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof AppError) throw refusal(error.code, error.message, matchmakeCode);
    throw error;
  }
}

/** Parses room or join options; invalid ones are refused with `VALIDATION_FAILED: Invalid <what>: <path>: <problem>`. */
export function parseOrRefuse<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const first = describeIssues(parsed.error)[0];
  throw refusal("VALIDATION_FAILED", `Invalid ${what}: ${first?.path}: ${first?.message}`);
}
