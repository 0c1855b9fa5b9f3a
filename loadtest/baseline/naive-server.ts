import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { useServerV8Settings } from "./same-v8-settings.ts";

useServerV8Settings();

/**
 * The naive baselines the benchmarks compare against (docs/performance.md), run in their own process:
 * `node --import tsx loadtest/baseline/naive-server.ts sse|longpoll`.
 *
 * - `sse`: `GET /stream` (SSE) and `POST /records` `{records:[{ownerId,score}]}`;
 *   every change pushes the FULL top-N snapshot as JSON to every subscriber
 *   (the snapshot is stringified once per change, so the baseline is not
 *   made artificially slow — the difference measured is deltas + conflation).
 * - `longpoll`: `GET /poll` parks until `POST /result` (any JSON) wakes every
 *   parked poll with `{result, recordedAt}`, or 25 s pass (204).
 * `GET /stats` gives `{subscribers, pending}`. Prints `{"port":N}` when listening.
 * `STREAM_LIFETIME_MS` (unset: never) ends each stream cleanly after about
 * that long (±10%), as ours rotates its streams, so that a run that makes
 * ours rotate (`--server-env`) makes the baseline rotate too; it has no event
 * ids, so its readers resume with a fresh snapshot.
 */
const mode = process.argv[2];
if (mode !== "sse" && mode !== "longpoll") {
  process.stderr.write("usage: naive-server.ts sse|longpoll\n");
  process.exit(2);
}
const TOP = Number(process.env.NAIVE_TOP ?? 10);
const POLL_HOLD_MS = 25_000;
const STREAM_LIFETIME_MS = Number(process.env.STREAM_LIFETIME_MS ?? 0);

interface Row {
  ownerId: string;
  name: string;
  score: number;
  subscore: number;
  rank: number;
  createdAt: string;
  updatedAt: string;
}
const rows = new Map<string, Omit<Row, "rank">>();
const subscribers = new Set<ServerResponse>();
const parked = new Set<{ res: ServerResponse; timer: NodeJS.Timeout }>();
let version = 0;

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => resolve(text));
    req.on("error", reject);
  });

const snapshot = (): string => {
  const top = [...rows.values()]
    .sort((a, b) => b.score - a.score || a.updatedAt.localeCompare(b.updatedAt))
    .slice(0, TOP)
    .map((row, index) => ({ ...row, rank: index + 1 }));
  return JSON.stringify({ version, ts: Date.now(), total: rows.size, rows: top });
};

const server = createServer(async (req, res) => {
  const path = (req.url ?? "/").split("?")[0];
  try {
    if (req.method === "GET" && path === "/stats") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ subscribers: subscribers.size, pending: parked.size }));
    } else if (mode === "sse" && req.method === "GET" && path === "/stream") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      res.write(`event: snapshot\ndata: ${snapshot()}\n\n`);
      subscribers.add(res);
      const end = () => {
        subscribers.delete(res);
        res.end();
      };
      const lifetime = STREAM_LIFETIME_MS > 0 ? setTimeout(end, STREAM_LIFETIME_MS * (0.9 + Math.random() * 0.2)) : undefined;
      req.on("close", () => {
        clearTimeout(lifetime);
        subscribers.delete(res);
      });
    } else if (mode === "sse" && req.method === "POST" && path === "/records") {
      const body = JSON.parse(await readBody(req)) as { records: { ownerId: string; name?: string; score: number }[] };
      const now = new Date().toISOString();
      for (const r of body.records) {
        const old = rows.get(r.ownerId);
        rows.set(r.ownerId, { ownerId: r.ownerId, name: r.name ?? r.ownerId, score: r.score, subscore: 0, createdAt: old?.createdAt ?? now, updatedAt: now });
      }
      version++;
      const frame = `event: snapshot\ndata: ${snapshot()}\n\n`;
      for (const sub of subscribers) sub.write(frame);
      res.writeHead(200, { "content-type": "application/json" }).end(`{"version":${version}}`);
    } else if (mode === "longpoll" && req.method === "GET" && path === "/poll") {
      const entry = {
        res,
        timer: setTimeout(() => {
          parked.delete(entry);
          res.writeHead(204).end();
        }, POLL_HOLD_MS),
      };
      parked.add(entry);
      req.on("close", () => {
        clearTimeout(entry.timer);
        parked.delete(entry);
      });
    } else if (mode === "longpoll" && req.method === "POST" && path === "/result") {
      const result = JSON.parse(await readBody(req));
      const body = JSON.stringify({ result, recordedAt: new Date().toISOString() });
      const waiting = [...parked];
      parked.clear();
      for (const entry of waiting) {
        clearTimeout(entry.timer);
        entry.res.writeHead(200, { "content-type": "application/json" }).end(body);
      }
      res.writeHead(201, { "content-type": "application/json" }).end(`{"woken":${waiting.length}}`);
    } else {
      res.writeHead(404).end();
    }
  } catch (error) {
    if (!res.headersSent) res.writeHead(400).end(String(error));
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 })}\n`);
});
process.on("SIGTERM", () => {
  for (const sub of subscribers) sub.end();
  for (const entry of parked) entry.res.end();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
