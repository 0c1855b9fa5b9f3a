// A diagnostic preload for taking a server's memory apart (docs/performance.md,
// "Memory per connection"). Not loaded by default; add it to a spawned server:
//   npm run loadtest -- longpoll ... --server-env "NODE_OPTIONS=--import ./loadtest/memory-preload.mjs"
// Once a second it appends one JSON line to /tmp/memory-<pid>.jsonl (MEMORY_PRELOAD_DIR to
// change the directory): process.memoryUsage(), V8's heap spaces (used / committed, KB) and
// /proc/self/smaps_rollup. On SIGUSR2 it writes a line, forces two full GCs, and writes another
// ("after-gc"), plus a heap snapshot into the same directory when MEMORY_PRELOAD_SNAPSHOT=1.
// MEMORY_PRELOAD_SAMPLING=1 runs V8's sampling heap profiler from the start, counting also the
// objects a full GC collected (what got promoted to old space and died there, but not what died
// young), and rewrites ${dir}/promoted-<pid>.heapprofile every 5 s (open it in Chrome DevTools, or
// sum it by function). Only the main thread is sampled (tsx's loader thread loads this too).
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import v8 from "node:v8";
import vm from "node:vm";
import { isMainThread } from "node:worker_threads";

if (isMainThread) start();

function start() {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc");
  const dir = process.env.MEMORY_PRELOAD_DIR ?? "/tmp";
  const out = `${dir}/memory-${process.pid}.jsonl`;
  const kb = (bytes) => Math.round(bytes / 1024);

  function smapsRollup() {
    const fields = {};
    for (const match of readFileSync("/proc/self/smaps_rollup", "utf8").matchAll(/^(\w+):\s+(\d+) kB/gm)) fields[match[1]] = Number(match[2]);
    return { rssKB: fields.Rss, anonymousKB: fields.Anonymous, fileKB: fields.Rss - fields.Anonymous };
  }

  function sample(tag) {
    const usage = process.memoryUsage();
    const heap = v8.getHeapStatistics();
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, { usedKB: kb(s.space_used_size), committedKB: kb(s.physical_space_size) }]));
    return {
      tag,
      t: Date.now(),
      rssKB: kb(usage.rss),
      heapUsedKB: kb(usage.heapUsed),
      heapTotalKB: kb(usage.heapTotal),
      externalKB: kb(usage.external),
      arrayBuffersKB: kb(usage.arrayBuffers),
      heapPhysicalKB: kb(heap.total_physical_size),
      mallocedKB: kb(heap.malloced_memory),
      spaces,
      smaps: smapsRollup(),
    };
  }

  const write = (line) => appendFileSync(out, `${JSON.stringify(line)}\n`);
  setInterval(() => write(sample("tick")), 1000).unref();
  process.on("SIGUSR2", () => {
    write(sample("before-gc"));
    gc();
    gc();
    write(sample("after-gc"));
    if (process.env.MEMORY_PRELOAD_SNAPSHOT === "1") write({ tag: "snapshot", file: v8.writeHeapSnapshot(`${dir}/heap-${process.pid}-${Date.now()}.heapsnapshot`) });
  });
  if (process.env.MEMORY_PRELOAD_SAMPLING === "1") {
    const session = new Session();
    session.connect();
    session.post("HeapProfiler.startSampling", { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false });
    setInterval(() => {
      session.post("HeapProfiler.getSamplingProfile", (error, result) => {
        if (!error) writeFileSync(`${dir}/promoted-${process.pid}.heapprofile`, JSON.stringify(result.profile));
      });
    }, 5000).unref();
  }
}
