import assert from "node:assert/strict";
import { SseParser, type SseEvent } from "../../client-sdk/index.ts";

/**
 * The SDK's SSE parser against the WHATWG HTML Standard, §9.2.5–9.2.6
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
 * Each `it` quotes the rule it checks; every stream is also fed in every
 * two-piece split and one character at a time, which must not change the result.
 */
interface Parsed {
  events: SseEvent[];
  retries: number[];
  lastEventId: string;
}

function parseText(chunks: string[], lastEventId?: string): Parsed {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const parser = new SseParser({ onEvent: (event) => events.push(event), onRetry: (ms) => retries.push(ms) }, lastEventId);
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  return { events, retries, lastEventId: parser.lastEventId };
}

function parseBytes(chunks: Uint8Array[]): Parsed {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const parser = new SseParser({ onEvent: (event) => events.push(event), onRetry: (ms) => retries.push(ms) });
  for (const chunk of chunks) parser.write(chunk);
  parser.end();
  return { events, retries, lastEventId: parser.lastEventId };
}

/** Parses `stream` whole, split at every point, and one character at a time; all must agree. */
function parse(stream: string, lastEventId?: string): Parsed {
  const whole = parseText([stream], lastEventId);
  for (let i = 0; i <= stream.length; i++) {
    assert.deepEqual(parseText([stream.slice(0, i), stream.slice(i)], lastEventId), whole, `split at ${i}`);
  }
  assert.deepEqual(parseText([...stream], lastEventId), whole, "one character at a time");
  return whole;
}

const message = (data: string, id = "", event = "message"): SseEvent => ({ event, data, id });

describe("sdk: SSE parser (WHATWG event stream interpretation)", () => {
  it("a line ends with CRLF, a lone LF, or a lone CR — also when CRLF is split across chunks", () => {
    for (const end of ["\r\n", "\n", "\r"]) {
      assert.deepEqual(parse(`data: a${end}data: b${end}${end}`).events, [message("a\nb")], JSON.stringify(end));
    }
    assert.deepEqual(parse("data: a\r\ndata: b\ndata: c\r\rdata: d\n\n").events, [message("a\nb\nc"), message("d")]);
    // "\r" then "\n" in the next chunk is ONE line end (else the LF would be an empty line: a dispatch).
    assert.deepEqual(parseText(["data: a\r", "\ndata: b\r\n\r\n"]).events, [message("a\nb")]);
  });

  it("UTF-8 decode strips one leading BOM; a second one is part of the first line", () => {
    const bytes = new TextEncoder().encode("\uFEFFdata: x\n\n");
    assert.equal(bytes[0], 0xef, "sanity: the BOM is in the bytes");
    assert.deepEqual(parseBytes([bytes]).events, [message("x")]);
    assert.deepEqual(parseBytes([bytes.slice(0, 1), bytes.slice(1, 2), bytes.slice(2)]).events, [message("x")], "a BOM split across chunks");
    // Two BOMs: the first is stripped; the line "\uFEFFdata: y" has the field name "\uFEFFdata", which is ignored.
    assert.deepEqual(parseBytes([new TextEncoder().encode("\uFEFF\uFEFFdata: y\n\ndata: z\n\n")]).events, [message("z")]);
    // A BOM later in the stream is just text.
    assert.deepEqual(parseBytes([new TextEncoder().encode("data: a\n\n\uFEFFdata: b\n\n")]).events, [message("a")]);
  });

  it("bytes are decoded as UTF-8 across chunk boundaries; invalid bytes become U+FFFD", () => {
    const bytes = new TextEncoder().encode("data: é€😀\n\n");
    for (let i = 0; i <= bytes.length; i++) {
      assert.deepEqual(parseBytes([bytes.slice(0, i), bytes.slice(i)]).events, [message("é€😀")], `split at byte ${i}`);
    }
    assert.deepEqual(parseBytes([Uint8Array.of(0x64, 0x61, 0x74, 0x61, 0x3a, 0x20, 0xff, 0x0a, 0x0a)]).events, [message("\uFFFD")]);
  });

  it("a line starting with a colon is a comment and is ignored", () => {
    assert.deepEqual(parse(": heartbeat\n:\n:data: no\ndata: yes\n\n").events, [message("yes")]);
  });

  it("field = text before the FIRST colon, value = text after it, with ONE leading space removed", () => {
    assert.deepEqual(parse("data:x\n\ndata: x\n\ndata:  x\n\ndata: a:b: c\n\n").events, [message("x"), message("x"), message(" x"), message("a:b: c")]);
  });

  it("a line without a colon is a field name with an empty value", () => {
    // `data` appends "" and a LF: the data buffer is "\n", not empty, so an event with empty data is dispatched.
    assert.deepEqual(parse("data\n\n").events, [message("")]);
    assert.deepEqual(parse("data\ndata\n\n").events, [message("\n")]);
    // `event` sets the type buffer to "": the type falls back to `message`.
    assert.deepEqual(parse("event: custom\nevent\ndata: x\n\n").events, [message("x")]);
    // `id` sets the last event ID buffer to "".
    assert.deepEqual(parse("id: 7\ndata: a\n\nid\ndata: b\n\n").events, [message("a", "7"), message("b", "")]);
  });

  it("field names are compared literally (no case folding); unknown fields are ignored", () => {
    assert.deepEqual(parse("Data: no\nDATA: no\nEvent: no\nID: no\nfoo: bar\ndata: yes\n\n").events, [message("yes")]);
  });

  it("data lines join with LF; exactly one trailing LF is removed at dispatch", () => {
    assert.deepEqual(parse("data: one\ndata:\ndata: three\n\n").events, [message("one\n\nthree")]);
    assert.deepEqual(parse("data: a\ndata: \n\n").events, [message("a\n")]);
  });

  it("the event type is the type buffer, `message` when empty, and both buffers are cleared after each dispatch", () => {
    assert.deepEqual(parse("event: snapshot\ndata: 1\n\ndata: 2\n\n").events, [message("1", "", "snapshot"), message("2")]);
    // An empty data buffer: nothing is dispatched, and the type buffer is cleared too.
    assert.deepEqual(parse("event: lonely\n\ndata: 3\n\n").events, [message("3")]);
    // A later `event` line in the same block wins.
    assert.deepEqual(parse("event: a\nevent: b\ndata: x\n\n").events, [message("x", "", "b")]);
  });

  it("`id` sets the last event ID buffer unless the value contains NULL", () => {
    assert.deepEqual(parse("id: e1:1\ndata: a\n\nid: bad\u0000id\ndata: b\n\n").events, [message("a", "e1:1"), message("b", "e1:1")]);
  });

  it("the last event ID string is committed at dispatch, even when the data buffer is empty (no event is fired)", () => {
    const parsed = parse("id: e1:1\ndata: a\n\nid: e1:2\n\n");
    assert.deepEqual(parsed.events, [message("a", "e1:1")]);
    assert.equal(parsed.lastEventId, "e1:2", "committed by the blank line alone");
  });

  it("an `id:` line is not committed until a dispatch: a stream that ends first leaves the last event ID string as it was", () => {
    const parsed = parse("id: e1:1\ndata: a\n\nid: e1:2\ndata: unfinished\n");
    assert.deepEqual(parsed.events, [message("a", "e1:1")]);
    assert.equal(parsed.lastEventId, "e1:1");
    // Nothing dispatched at all: the string the stream started with stays.
    assert.equal(parse("id: e9:9\ndata: x\n", "e1:5").lastEventId, "e1:5");
  });

  it("the id buffer is not reset by a dispatch: it persists to later events of the stream", () => {
    assert.deepEqual(parse("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n").events, [message("a", "1"), message("b", "1"), message("c", "2")]);
  });

  it("the buffers belong to one stream and start empty: the first dispatch of a new stream sets the string from ITS buffer", () => {
    // A reconnect that sent Last-Event-ID "e1:5" gets an event without an id: lastEventId becomes "".
    const parsed = parse("data: x\n\n", "e1:5");
    assert.deepEqual(parsed.events, [message("x", "")]);
    assert.equal(parsed.lastEventId, "");
  });

  it("`retry` with only ASCII digits sets the reconnection time at once (no dispatch needed); anything else is ignored", () => {
    const parsed = parse("retry: 1500\nretry: 10a\nretry:  20\nretry: -5\nretry: 1.5\nretry:\nretry: ٣\nretry:3000\n");
    assert.deepEqual(parsed.retries, [1500, 3000]);
    assert.deepEqual(parsed.events, []);
  });

  it("at the end of the stream pending data is discarded: an unfinished line or event is not processed", () => {
    assert.deepEqual(parse("data: a\n\ndata: b\n").events, [message("a")], "an event without its blank line");
    assert.deepEqual(parse("data: a\n\ndata: b").events, [message("a")], "a line without its line end");
    assert.deepEqual(parse("retry: 99").retries, [], "an unfinished retry line");
  });

  it("a realistic leaderboard stream", () => {
    const stream =
      "retry: 1500\r\n: stream open\r\n\r\n" +
      'id: e1:1\r\nevent: snapshot\r\ndata: {"a":1}\r\n\r\n' +
      "event: delta\ndata: line one\ndata:line two\n\n" +
      ": heartbeat\n\n" +
      "id: e1:3\revent: delta\rdata: x\r\r";
    const parsed = parse(stream);
    assert.deepEqual(parsed.events, [message('{"a":1}', "e1:1", "snapshot"), message("line one\nline two", "e1:1", "delta"), message("x", "e1:3", "delta")]);
    assert.deepEqual(parsed.retries, [1500]);
    assert.equal(parsed.lastEventId, "e1:3");
  });
});
