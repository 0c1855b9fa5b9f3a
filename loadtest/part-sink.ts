import type { HostEvent, PartCounters, PartName, Phase } from "./host-protocol.ts";
import { LatencySamples } from "./latency.ts";
import type { WireCounter } from "./wire.ts";

/** Where a part's clients count things; drained into a `stats` event every FLUSH_MS. */
export class PartSink implements WireCounter, PartCounters {
  messages = 0;
  bytes = 0;
  frames = 0;
  sent = 0;
  errors = 0;
  disconnects = 0;
  rotations = 0;
  resumes = 0;
  gaps = 0;
  duplicates = 0;
  connected = 0;
  resuming = 0;
  ready = false;
  /** The part's latency (input→state, fan-out, wake-up). */
  latency = new LatencySamples(50_000);
  /** A second latency where the part has one (long-poll: since the server's recordedAt). */
  latency2?: LatencySamples;
  extra: Record<string, number> = {};

  constructor(
    readonly part: PartName,
    /** arena: every received WebSocket frame is a message. */
    readonly framesAreMessages = false,
  ) {}

  count(key: string, by = 1): void {
    this.extra[key] = (this.extra[key] ?? 0) + by;
  }

  /** Counts an error, and its kind as `errors.<where>.<code>` (SDK error code, Node error code, or name) for the report. */
  fail(where: string, error?: unknown): void {
    this.errors++;
    const e = error as { code?: unknown; name?: unknown; cause?: { code?: unknown } } | undefined;
    const kind = typeof e?.code === "string" ? e.code : typeof e?.cause?.code === "string" ? e.cause.code : typeof e?.name === "string" ? e.name : "unknown";
    this.count(`errors.${where}.${kind}`);
  }

  drain(thread: number, phase: Phase): Extract<HostEvent, { type: "stats" }> {
    const event: Extract<HostEvent, { type: "stats" }> = {
      type: "stats",
      thread,
      part: this.part,
      phase,
      connected: this.connected,
      resuming: this.resuming,
      ready: this.ready,
      counters: {
        messages: this.framesAreMessages ? this.frames : this.messages,
        bytes: this.bytes,
        sent: this.sent,
        errors: this.errors,
        disconnects: this.disconnects,
        rotations: this.rotations,
        resumes: this.resumes,
        gaps: this.gaps,
        duplicates: this.duplicates,
      },
      latency: this.latency.toJSON(),
      latency2: this.latency2?.toJSON(),
      extra: this.extra,
    };
    this.messages = this.bytes = this.frames = this.sent = this.errors = this.disconnects = 0;
    this.rotations = this.resumes = this.gaps = this.duplicates = 0;
    this.latency.clear();
    this.latency2?.clear();
    this.extra = {};
    return event;
  }
}

