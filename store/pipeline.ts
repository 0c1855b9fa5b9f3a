import type { EffectBatch } from "../shared/rules/results/effects.ts";

export type { EffectBatch };

/**
 * Where the pipeline's progress lives and how its commit is made atomic.
 * `commit` applies a batch only if the applied seq still equals `expected`
 * (a fence), setting it to `batch.seq` in the same atomic step: a batch is
 * applied at most once whatever crashes or races, and because the pipeline
 * retries until the fence has passed every recorded seq, at least once.
 */
export interface PipelineBackend {
  /** The seq of the last result whose effects are applied (0: none). */
  appliedSeq(): Promise<number>;
  /** The single-applier lease (one process applies at a time); undefined if another holds it. */
  acquire(): Promise<PipelineLease | undefined>;
  commit(expected: number, batch: EffectBatch): Promise<boolean>;
}

export interface PipelineLease {
  /** Extends the lease; false if it was lost (another process took over after it expired). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

export interface PipelineCounters {
  /** Batches this process committed. */
  applied: number;
  /** Commits refused by the fence (another applier was first). */
  stale: number;
  /** Runs that stopped on an error (retried by the sweep). */
  failures: number;
}
