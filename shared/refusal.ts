import { isErrorCode, type ErrorCode } from "./errors.ts";

/**
 * How a room refusal travels inside Colyseus's own error channels (a failed
 * `onAuth`/`onJoin`/`onCreate` becomes a matchmake error whose message is
 * free text): `CODE: message`, where CODE is one of shared/errors.ts. Rooms
 * format with `formatRefusal`; the SDK reads with `parseRefusal`, so a stock
 * Colyseus client still gets a readable message and ours gets the typed code
 * (docs/protocol.md "Join refusals"). Zod-free: the SDK's bundles import it.
 */
export function formatRefusal(code: ErrorCode, message: string): string {
  return `${code}: ${message}`;
}

/** The code and message of a refusal text; `code` is undefined for text that is not one (Colyseus's own errors). */
export function parseRefusal(text: string): { code?: ErrorCode; message: string } {
  const match = /^([A-Z_]+): (.*)$/s.exec(text);
  if (match && isErrorCode(match[1])) return { code: match[1], message: match[2]! };
  return { message: text };
}
