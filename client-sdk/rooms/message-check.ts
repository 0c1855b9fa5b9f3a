import type { MessageSchemas } from "../../shared/room-protocol.ts";
import { RoomMessageError } from "../errors.ts";

/**
 * Checks an outgoing payload against the room's message schema before it is
 * sent. Schemas are read through the Standard Schema interface
 * (`~standard.validate`; zod implements it), so the SDK itself needs no
 * validation library: the schemas come from the contract or from
 * `createClient({ messageSchemas })` (client-sdk/validation.ts). Throws
 * RoomMessageError `UNKNOWN_MESSAGE` or `VALIDATION_FAILED` (`local: true`);
 * the issues have the same `{path, message}` shape as the room's own answer.
 */
interface StandardIssue {
  message: string;
  path?: readonly (PropertyKey | { key: PropertyKey })[];
}

interface StandardSchemaLike {
  "~standard": { validate(value: unknown): { issues?: readonly StandardIssue[] } | Promise<unknown> };
}

export function checkMessage(schemas: MessageSchemas, roomName: string, type: string, payload: unknown): void {
  const schema = (schemas as Record<string, unknown>)[type] as StandardSchemaLike | undefined;
  if (!schema) throw new RoomMessageError("UNKNOWN_MESSAGE", `room "${roomName}" has no message "${type}"`, { type, local: true });
  const result = schema["~standard"].validate(payload);
  if (result instanceof Promise) return; // an async schema cannot hold up a synchronous send; the room still checks it
  if (!result.issues?.length) return;
  const issues = result.issues.slice(0, 20).map((issue) => ({
    path: (issue.path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment)).join(".") || "(root)",
    message: issue.message,
  }));
  throw new RoomMessageError("VALIDATION_FAILED", `Invalid ${type}: ${issues[0]?.path}: ${issues[0]?.message}`, { type, details: { issues }, local: true });
}
