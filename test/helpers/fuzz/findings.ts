/**
 * What the fuzzers report. In `throw` mode (the mocha suites) the first
 * finding fails the property, so fast-check shrinks it to a minimal case; in
 * `collect` mode (`npm run fuzz`) every case runs and the findings are
 * counted and sampled.
 */
export type FindingKind =
  /** The server process died. */
  | "crash"
  /** An answer with the INTERNAL code (HTTP 500, a room `error` INTERNAL). */
  | "internal"
  /** A broken rule: an undocumented code, a well-behaved client cut off, a room invariant. */
  | "invariant";

export class Findings {
  readonly counts: Record<FindingKind, number> = { crash: 0, internal: 0, invariant: 0 };
  readonly samples: { kind: FindingKind; fuzzer: string; detail: string }[] = [];
  /** Cases tried per fuzzer. */
  readonly cases: Record<string, number> = {};

  constructor(readonly mode: "throw" | "collect") {}

  tried(fuzzer: string): void {
    this.cases[fuzzer] = (this.cases[fuzzer] ?? 0) + 1;
  }

  found(kind: FindingKind, fuzzer: string, detail: string): void {
    this.counts[kind]++;
    if (this.samples.length < 50) this.samples.push({ kind, fuzzer, detail: detail.slice(0, 500) });
    if (this.mode === "throw") throw new Error(`${kind} (${fuzzer}): ${detail.slice(0, 1000)}`);
  }

  /** `found` when `ok` is false. */
  check(ok: boolean, kind: FindingKind, fuzzer: string, detail: () => string): void {
    if (!ok) this.found(kind, fuzzer, detail());
  }

  get total(): number {
    return Object.values(this.cases).reduce((sum, n) => sum + n, 0);
  }

  get clean(): boolean {
    return this.counts.crash + this.counts.internal + this.counts.invariant === 0;
  }
}
