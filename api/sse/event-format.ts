import { parseEpochCursor } from "../../shared/ids.ts";
import type { SseEventName, SseEvents } from "../../shared/sse-events.ts";

/**
 * WHATWG SSE wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 * An event is serialised ONCE by its publisher and the same bytes are written
 * to every subscriber. Only the shared events (shared/sse-events.ts), each
 * with its own payload type.
 */
export function formatEvent<E extends SseEventName>(event: E, id: string | undefined, data: SseEvents[E]): Buffer {
  const json = JSON.stringify(data);
  // JSON never contains a raw newline, so one data: line is enough.
  let text = `event: ${event}\n`;
  if (id !== undefined) text += `id: ${id}\n`;
  text += `data: ${json}\n\n`;
  return Buffer.from(text, "utf8");
}

export function formatComment(text: string): Buffer {
  return Buffer.from(`: ${text.replace(/[\r\n]/g, " ")}\n\n`, "utf8");
}

export function formatRetry(ms: number): Buffer {
  return Buffer.from(`retry: ${Math.max(0, Math.round(ms))}\n\n`, "utf8");
}

/** SSE event ids: `epoch:offset` (shared/ids.ts EPOCH_CURSOR). The epoch changes when history is lost or a board resets. */
export interface StreamCursor {
  epoch: string;
  offset: number;
}

export function formatCursor(cursor: StreamCursor): string {
  return `${cursor.epoch}:${cursor.offset}`;
}

/** Parses `epoch:offset`; undefined when malformed (the caller answers 400 BAD_CURSOR). */
export function parseCursor(value: string): StreamCursor | undefined {
  const cursor = parseEpochCursor(value.trim());
  return cursor && { epoch: cursor.epoch, offset: cursor.position };
}
