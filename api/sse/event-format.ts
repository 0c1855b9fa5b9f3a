/**
 * WHATWG SSE wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 * An event is serialised ONCE by its publisher and the same bytes are written
 * to every subscriber.
 */
export function formatEvent(event: string, id: string | undefined, data: unknown): Buffer {
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

/** SSE event ids: `epoch:offset` (DESIGN §6). The epoch changes when history is lost or a board resets. */
export interface StreamCursor {
  epoch: string;
  offset: number;
}

const CURSOR = /^([A-Za-z0-9_-]{1,64}):(\d{1,15})$/;

export function formatCursor(cursor: StreamCursor): string {
  return `${cursor.epoch}:${cursor.offset}`;
}

/** Parses `epoch:offset`; undefined when malformed (the caller answers 400 BAD_CURSOR). */
export function parseCursor(value: string): StreamCursor | undefined {
  const match = CURSOR.exec(value.trim());
  if (!match) return undefined;
  return { epoch: match[1], offset: Number(match[2]) };
}
