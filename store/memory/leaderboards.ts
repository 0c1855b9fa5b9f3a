import { AppError } from "../../shared/errors.ts";
import {
  ScoreWrite as ScoreWriteSchema,
  type LeaderboardConfig,
  type LeaderboardConfigInput,
  type LeaderboardConfigPatch,
  type LeaderboardPeriodState,
  type LeaderboardRecord,
  type ScoreWrite,
} from "../../shared/leaderboards.ts";
import { parseOrThrow } from "../../shared/validation.ts";
import {
  type BoardWrite,
  type ChangeReplay,
  type LeaderboardChange,
  type LeaderboardStore,
  type LeaderboardStoreOptions,
  type SubmitOutcome,
  type TopPage,
} from "../leaderboards.ts";
import { newConfig, patchedConfig } from "../../shared/rules/leaderboards/config.ts";
import { resolvePeriod, type ResolvedPeriod } from "../../shared/rules/leaderboards/periods.ts";
import { applyOperator, aroundWindow, memberKey, MEMBER_PREFIX_LENGTH } from "../../shared/rules/leaderboards/ranking.ts";
import { DEFAULT_HISTORY_LIMIT, clampLimit, decodeCursor, EMPTY_EPOCH, encodeCursor, newEpoch, sameEpoch, toRecordDto, type StoredRecord } from "../common/leaderboard-records.ts";
import type { LocalNotifications } from "../common/local-notifications.ts";
import type { StoreEvent } from "../notifications.ts";

class PeriodState {
  readonly epoch = newEpoch();
  version = 0;
  seq = 0;
  readonly records = new Map<string, StoredRecord>();
  /** Member keys, ascending = rank order. */
  readonly members: string[] = [];
  /** Oldest first, at most historyLimit entries. */
  readonly history: LeaderboardChange[] = [];
  constructor(readonly period: ResolvedPeriod) {}
}

/** First index whose member is >= key (or > key when `after`). */
function bound(members: string[], key: string, after: boolean): number {
  let lo = 0;
  let hi = members.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (members[mid] < key || (after && members[mid] === key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The embedded default: everything in this process, lost on restart. */
export class MemoryLeaderboardStore implements LeaderboardStore {
  readonly #configs = new Map<string, LeaderboardConfig>();
  readonly #periods = new Map<string, Map<string, PeriodState>>();
  readonly #notifications: LocalNotifications;
  readonly #historyLimit: number;
  readonly #clock: () => number;

  constructor(notifications: LocalNotifications, options: LeaderboardStoreOptions = {}) {
    this.#notifications = notifications;
    this.#historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.#clock = options.clock ?? Date.now;
  }

  async list(): Promise<LeaderboardConfig[]> {
    return [...this.#configs.values()].sort((a, b) => a.id.localeCompare(b.id)).map((c) => structuredClone(c));
  }

  async getConfig(boardId: string): Promise<LeaderboardConfig | undefined> {
    const config = this.#configs.get(boardId);
    return config && structuredClone(config);
  }

  async create(input: LeaderboardConfigInput): Promise<LeaderboardConfig> {
    const config = newConfig(input, this.#clock());
    if (this.#configs.has(config.id)) throw new AppError("CONFLICT", `Leaderboard ${config.id} already exists`);
    this.#configs.set(config.id, config);
    this.#notifications.emit({ type: "leaderboard-config", boardId: config.id, revision: config.revision });
    return structuredClone(config);
  }

  async ensure(input: LeaderboardConfigInput): Promise<{ config: LeaderboardConfig; created: boolean }> {
    const config = newConfig(input, this.#clock());
    const existing = this.#configs.get(config.id);
    if (existing) return { config: structuredClone(existing), created: false };
    return { config: await this.create(input), created: true };
  }

  async update(boardId: string, patch: LeaderboardConfigPatch): Promise<LeaderboardConfig> {
    const next = patchedConfig(this.#configOrThrow(boardId), patch, this.#clock());
    this.#configs.set(boardId, next);
    this.#notifications.emit({ type: "leaderboard-config", boardId, revision: next.revision });
    return structuredClone(next);
  }

  async submit(boardId: string, writes: ScoreWrite[]): Promise<SubmitOutcome> {
    const config = this.#configOrThrow(boardId);
    const parsed = writes.map((w, i) => {
      const write = parseOrThrow(ScoreWriteSchema, w, `score write ${i}`);
      return { boardId, ownerId: write.ownerId, name: write.name, score: write.score, subscore: write.subscore, metadata: write.metadata && JSON.stringify(write.metadata) };
    });
    const now = this.#clock();
    const { events, changed } = this.applyWrites(parsed, now);
    for (const event of events) this.#notifications.emit(event);
    const period = resolvePeriod(config, undefined, now);
    return { state: this.#state(config, period), changed: changed.get(boardId) ?? [] };
  }

  /**
   * Applies writes to each board's current period, synchronously (so a caller
   * composing it with other writes stays atomic). One version bump per
   * touched board period. The caller emits the returned events when its
   * whole change is done.
   */
  applyWrites(writes: BoardWrite[], nowMs: number): { events: StoreEvent[]; changed: Map<string, LeaderboardRecord[]> } {
    // Resolve every board first: a missing one must fail the batch before anything changed.
    const configs = writes.map((write) => this.#configOrThrow(write.boardId));
    const touched = new Map<PeriodState, { config: LeaderboardConfig; owners: Set<string> }>();
    for (const [i, write] of writes.entries()) {
      const config = configs[i];
      const state = this.#periodState(config, resolvePeriod(config, undefined, nowMs), true)!;
      const old = state.records.get(write.ownerId);
      const next = applyOperator(config.operator, config.sort, old, write.score, write.subscore);
      if (!next) continue;
      if (old) state.members.splice(bound(state.members, memberKey(config.sort, old.score, old.subscore, old.seq, old.ownerId), false), 1);
      const record: StoredRecord = {
        score: next.score,
        subscore: next.subscore,
        numScore: (old?.numScore ?? 0) + 1,
        createdMs: old?.createdMs ?? nowMs,
        updatedMs: nowMs,
        seq: ++state.seq,
        ownerId: write.ownerId,
        name: write.name ?? old?.name ?? write.ownerId,
        metadata: write.metadata ?? old?.metadata ?? null,
      };
      const key = memberKey(config.sort, record.score, record.subscore, record.seq, record.ownerId);
      state.members.splice(bound(state.members, key, false), 0, key);
      state.records.set(write.ownerId, record);
      let entry = touched.get(state);
      if (!entry) touched.set(state, (entry = { config, owners: new Set() }));
      entry.owners.add(write.ownerId);
    }

    const events: StoreEvent[] = [];
    const changed = new Map<string, LeaderboardRecord[]>();
    for (const [state, { config, owners }] of touched) {
      const version = ++state.version;
      const rows = [...owners].map((ownerId) => this.#dto(config, state, state.records.get(ownerId)!));
      state.history.push({ version, rows });
      if (state.history.length > this.#historyLimit) state.history.splice(0, state.history.length - this.#historyLimit);
      changed.set(config.id, structuredClone(rows));
      events.push({ type: "leaderboard", boardId: config.id, period: state.period.key, epoch: state.epoch, version });
    }
    return { events, changed };
  }

  async top(boardId: string, options: { limit?: number; cursor?: string; period?: string } = {}): Promise<TopPage> {
    const config = this.#configOrThrow(boardId);
    const limit = clampLimit(options.limit);
    const period = resolvePeriod(config, options.period, this.#clock());
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, boardId, period.key);
    const state = this.#periodState(config, period, false);
    if (!state) return { state: this.#state(config, period), records: [], nextCursor: null };
    const start = after === undefined ? 0 : bound(state.members, after, true);
    const members = state.members.slice(start, start + limit);
    const records = members.map((member, i) => toRecordDto(this.#byMember(state, member), start + i + 1));
    const more = start + limit < state.members.length;
    return {
      state: this.#state(config, period),
      records,
      nextCursor: more && members.length > 0 ? encodeCursor(boardId, period.key, members[members.length - 1]) : null,
    };
  }

  async record(boardId: string, ownerId: string, options: { period?: string } = {}) {
    const config = this.#configOrThrow(boardId);
    const period = resolvePeriod(config, options.period, this.#clock());
    const state = this.#periodState(config, period, false);
    const stored = state?.records.get(ownerId);
    return { state: this.#state(config, period), record: stored && this.#dto(config, state!, stored) };
  }

  async around(boardId: string, ownerId: string, options: { limit?: number; period?: string } = {}) {
    const config = this.#configOrThrow(boardId);
    const limit = clampLimit(options.limit);
    const period = resolvePeriod(config, options.period, this.#clock());
    const state = this.#periodState(config, period, false);
    const stored = state?.records.get(ownerId);
    if (!state || !stored) return { state: this.#state(config, period), records: undefined };
    const rank0 = bound(state.members, memberKey(config.sort, stored.score, stored.subscore, stored.seq, ownerId), false);
    const { start, stop } = aroundWindow(rank0, state.members.length, limit);
    const records = state.members.slice(start, stop + 1).map((member, i) => toRecordDto(this.#byMember(state, member), start + i + 1));
    return { state: this.#state(config, period), records };
  }

  async state(boardId: string, options: { period?: string } = {}): Promise<LeaderboardPeriodState> {
    const config = this.#configOrThrow(boardId);
    return this.#state(config, resolvePeriod(config, options.period, this.#clock()));
  }

  async changesSince(boardId: string, since: { period: string; epoch: string; version: number }): Promise<ChangeReplay | undefined> {
    this.#configOrThrow(boardId);
    const state = this.#periods.get(boardId)?.get(since.period);
    if (!state) return since.epoch === EMPTY_EPOCH && since.version === 0 ? { epoch: EMPTY_EPOCH, version: 0, changes: [] } : undefined;
    if (!sameEpoch(state.epoch, since) || since.version > state.version || since.version < 0) return undefined;
    if (since.version === state.version) return { epoch: state.epoch, version: state.version, changes: [] };
    const oldest = state.history[0]?.version ?? state.version + 1;
    if (oldest > since.version + 1) return undefined;
    return { epoch: state.epoch, version: state.version, changes: structuredClone(state.history.filter((c) => c.version > since.version)) };
  }

  async periods(boardId: string, options: { limit?: number } = {}): Promise<string[]> {
    this.#configOrThrow(boardId);
    const states = [...(this.#periods.get(boardId)?.values() ?? [])].sort((a, b) => b.period.startMs - a.period.startMs);
    return states.slice(0, options.limit ?? 20).map((s) => s.period.key);
  }

  #configOrThrow(boardId: string): LeaderboardConfig {
    const config = this.#configs.get(boardId);
    if (!config) throw new AppError("NOT_FOUND", `No leaderboard ${boardId}`);
    return config;
  }

  #periodState(config: LeaderboardConfig, period: ResolvedPeriod, create: boolean): PeriodState | undefined {
    let byPeriod = this.#periods.get(config.id);
    if (!byPeriod) {
      if (!create) return undefined;
      this.#periods.set(config.id, (byPeriod = new Map()));
    }
    let state = byPeriod.get(period.key);
    if (!state && create) byPeriod.set(period.key, (state = new PeriodState(period)));
    return state;
  }

  #state(config: LeaderboardConfig, period: ResolvedPeriod): LeaderboardPeriodState {
    const state = this.#periods.get(config.id)?.get(period.key);
    return {
      leaderboardId: config.id,
      period: period.key,
      periodEndsAt: period.endMs === null ? null : new Date(period.endMs).toISOString(),
      epoch: state?.epoch ?? EMPTY_EPOCH,
      version: state?.version ?? 0,
      total: state?.members.length ?? 0,
    };
  }

  #byMember(state: PeriodState, member: string): StoredRecord {
    return state.records.get(member.slice(MEMBER_PREFIX_LENGTH))!;
  }

  #dto(config: LeaderboardConfig, state: PeriodState, stored: StoredRecord): LeaderboardRecord {
    const rank0 = bound(state.members, memberKey(config.sort, stored.score, stored.subscore, stored.seq, stored.ownerId), false);
    return toRecordDto(stored, rank0 + 1);
  }
}
