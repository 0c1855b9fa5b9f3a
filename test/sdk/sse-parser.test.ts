import assert from "node:assert/strict";
import { SseParser, type SseEvent } from "../../client-sdk/index.ts";

/** The WHATWG event-stream rules the SDK's parser must follow, fed in every possible chunking. */
describe("sdk: SSE parser", () => {
  const stream =
    "retry: 1500\r\n: stream open\r\n\r\n" +
    "id: e1:1\r\nevent: snapshot\r\ndata: {\"a\":1}\r\n\r\n" +
    "event: delta\ndata: line one\ndata:line two\n\n" +
    ": heartbeat\n\n" +
    "id: e1:3\revent: delta\rdata: x\r\r" +
    "data\n\n" +
    "id: bad\u0000id\ndata: keeps the old id\n\n" +
    "event: nodata\n\n" +
    "unknown: field\ndata: last";

  const expected: SseEvent[] = [
    { event: "snapshot", data: "{\"a\":1}", id: "e1:1" },
    { event: "delta", data: "line one\nline two", id: "e1:1" },
    { event: "delta", data: "x", id: "e1:3" },
    { event: "message", data: "", id: "e1:3" },
    { event: "message", data: "keeps the old id", id: "e1:3" },
  ];

  function parse(chunks: string[]) {
    const events: SseEvent[] = [];
    const retries: number[] = [];
    const parser = new SseParser({ onEvent: (event) => events.push(event), onRetry: (ms) => retries.push(ms) });
    for (const chunk of chunks) parser.feed(chunk);
    return { events, retries, lastEventId: parser.lastEventId };
  }

  it("parses fields, comments, multi-line data, CR/LF/CRLF line ends and id persistence; an unfinished event is not dispatched", () => {
    const { events, retries, lastEventId } = parse([stream]);
    assert.deepEqual(events, expected);
    assert.deepEqual(retries, [1500]);
    assert.equal(lastEventId, "e1:3");
  });

  it("gives the same events however the bytes are split (every split point, and one character at a time)", () => {
    for (let i = 0; i <= stream.length; i++) {
      assert.deepEqual(parse([stream.slice(0, i), stream.slice(i)]).events, expected, `split at ${i}`);
    }
    assert.deepEqual(parse([...stream]).events, expected);
  });
});
