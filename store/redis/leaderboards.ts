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
import { DEFAULT_HISTORY_LIMIT, clampLimit, decodeConfig, decodeCursor, decodeRecord, EMPTY_EPOCH, encodeCursor, newEpoch, recordFromArray, sameEpoch, toRecordDto } from "../common/leaderboard-records.ts";
import type { RedisConnection } from "./connection.ts";
import { APPLY_WRITES, CREATE_CONFIG, READ_AROUND, READ_CHANGES, READ_STATE, READ_TOP, UPDATE_CONFIG } from "./leaderboards-lua.ts";

/** Keys under the prefix: `lb:configs` (hash), and per board period `lb:<id>:<period>:{z,r,m,h}`, `lb:<id>:periods`. */
export interface RedisKeys {
  prefix: string;
  channel: string;
}

/** What the fenced pipeline commit adds to a batch of writes. */
export interface ApplyExtras {
  fence?: { key: string; expect: number; next: number };
  ratings?: { key: string; set: [string, string][] };
}

export class RedisLeaderboardStore implements LeaderboardStore {
  readonly #redis: RedisConnection;
  readonly #keys: RedisKeys;
  readonly #historyLimit: number;
  readonly #clock: () => number;

  constructor(redis: RedisConnection, keys: RedisKeys, options: LeaderboardStoreOptions = {}) {
    this.#redis = redis;
    this.#keys = keys;
    this.#historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.#clock = options.clock ?? Date.now;
  }

  get #configsKey(): string {
    return `${this.#keys.prefix}lb:configs`;
  }

  #base(boardId: string, period: string): string {
    return `${this.#keys.prefix}lb:${boardId}:${period}`;
  }

  async list(): Promise<LeaderboardConfig[]> {
    const all = await this.#redis.run((c) => c.hGetAll(this.#configsKey));
    return Object.values(all)
      .map((json) => decodeConfig(json))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async getConfig(boardId: string): Promise<LeaderboardConfig | undefined> {
    const json = await this.#redis.run((c) => c.hGet(this.#configsKey, boardId));
    return json ? (decodeConfig(json)) : undefined;
  }

  /** Configs for several boards in one round trip (the pipeline's commit). */
  async getConfigs(boardIds: string[]): Promise<Map<string, LeaderboardConfig>> {
    if (boardIds.length === 0) return new Map();
    const values = await this.#redis.run((c) => c.hmGet(this.#configsKey, boardIds));
    const out = new Map<string, LeaderboardConfig>();
    values.forEach((json, i) => json && out.set(boardIds[i], decodeConfig(json)));
    return out;
  }

  async create(input: LeaderboardConfigInput): Promise<LeaderboardConfig> {
    const config = newConfig(input, this.#clock());
    if (!(await this.#tryCreate(config))) throw new AppError("CONFLICT", `Leaderboard ${config.id} already exists`);
    return config;
  }

  async ensure(input: LeaderboardConfigInput): Promise<{ config: LeaderboardConfig; created: boolean }> {
    const config = newConfig(input, this.#clock());
    if (await this.#tryCreate(config)) return { config, created: true };
    const existing = await this.getConfig(config.id);
    if (!existing) throw new AppError("INTERNAL", `Leaderboard ${config.id} vanished while being ensured`);
    return { config: existing, created: false };
  }

  async #tryCreate(config: LeaderboardConfig): Promise<boolean> {
    const created = await this.#redis.script(CREATE_CONFIG, [this.#configsKey, config.id, JSON.stringify(config), this.#keys.channel, config.revision]);
    return created === 1;
  }

  async update(boardId: string, patch: LeaderboardConfigPatch): Promise<LeaderboardConfig> {
    // Compare-and-set: a concurrent update makes us re-read and re-apply.
    for (let attempt = 0; attempt < 10; attempt++) {
      const currentJson = await this.#redis.run((c) => c.hGet(this.#configsKey, boardId));
      if (!currentJson) throw new AppError("NOT_FOUND", `No leaderboard ${boardId}`);
      const next = patchedConfig(decodeConfig(currentJson), patch, this.#clock());
      const ok = await this.#redis.script(UPDATE_CONFIG, [this.#configsKey, boardId, currentJson, JSON.stringify(next), this.#keys.channel, next.revision]);
      if (ok === 1) return next;
    }
    throw new AppError("CONFLICT", `Leaderboard ${boardId} is being updated concurrently; retry`);
  }

  async submit(boardId: string, writes: ScoreWrite[]): Promise<SubmitOutcome> {
    const config = await this.#configOrThrow(boardId);
    const parsed: BoardWrite[] = writes.map((w, i) => {
      const write = parseOrThrow(ScoreWriteSchema, w, `score write ${i}`);
      return { boardId, ownerId: write.ownerId, name: write.name, score: write.score, subscore: write.subscore, metadata: write.metadata && JSON.stringify(write.metadata) };
    });
    const now = this.#clock();
    const touched = await this.applyWrites(parsed, new Map([[boardId, config]]), now, {});
    const period = resolvePeriod(config, undefined, now);
    const mine = touched?.find((t) => t.boardId === boardId);
    const state = await this.#stateOf(config, period);
    return { state, changed: mine ? mine.rows : [] };
  }

  /**
   * Runs the atomic write script. Returns the touched board periods, or
   * undefined when the fence no longer matched (another applier got there first).
   */
  async applyWrites(
    writes: BoardWrite[],
    configs: Map<string, LeaderboardConfig>,
    nowMs: number,
    extras: ApplyExtras,
  ): Promise<{ boardId: string; period: string; epoch: string; version: number; rows: LeaderboardRecord[] }[] | undefined> {
    const periods = new Map<string, ResolvedPeriod>();
    const payloadWrites = writes.map((w) => {
      const config = configs.get(w.boardId);
      if (!config) throw new AppError("NOT_FOUND", `No leaderboard ${w.boardId}`);
      let period = periods.get(w.boardId);
      if (!period) periods.set(w.boardId, (period = resolvePeriod(config, undefined, nowMs)));
      return {
        b: this.#base(w.boardId, period.key),
        pk: `${this.#keys.prefix}lb:${w.boardId}:periods`,
        p: period.key,
        ps: period.startMs,
        id: w.boardId,
        s: config.sort,
        o: config.operator,
        own: w.ownerId,
        n: w.name,
        sc: w.score,
        ss: w.subscore,
        md: w.metadata,
      };
    });
    const payload = { now: nowMs, epoch: newEpoch(), hl: this.#historyLimit, ch: this.#keys.channel, writes: payloadWrites, ...extras };
    const reply = (await this.#redis.script(APPLY_WRITES, [JSON.stringify(payload)])) as string[];
    if (reply[0] !== "ok") return undefined;
    return reply.slice(1).map((json) => {
      const touched = JSON.parse(json) as { boardId: string; period: string; epoch: string; version: number; entry: RawEntry };
      return { boardId: touched.boardId, period: touched.period, epoch: touched.epoch, version: touched.version, rows: decodeEntry(touched.entry).rows };
    });
  }

  async top(boardId: string, options: { limit?: number; cursor?: string; period?: string } = {}): Promise<TopPage> {
    const config = await this.#configOrThrow(boardId);
    const limit = clampLimit(options.limit);
    const period = resolvePeriod(config, options.period, this.#clock());
    const after = options.cursor === undefined ? "" : decodeCursor(options.cursor, boardId, period.key);
    const reply = (await this.#redis.script(READ_TOP, [this.#base(boardId, period.key), after, limit])) as (string | number)[];
    const [epoch, version, total, first] = reply;
    const records: LeaderboardRecord[] = [];
    let lastMember = "";
    for (let i = 4; i < reply.length; i += 2) {
      lastMember = reply[i] as string;
      records.push(toRecordDto(decodeRecord(reply[i + 1] as string), Number(first) + records.length + 1));
    }
    const state = this.#stateFrom(config, period, epoch as string, version, total);
    const more = records.length > 0 && Number(first) + records.length < Number(total);
    return { state, records, nextCursor: more ? encodeCursor(boardId, period.key, lastMember) : null };
  }

  async record(boardId: string, ownerId: string, options: { period?: string } = {}) {
    const config = await this.#configOrThrow(boardId);
    const period = resolvePeriod(config, options.period, this.#clock());
    const reply = (await this.#redis.script(READ_AROUND, [this.#base(boardId, period.key), config.sort, ownerId, 0])) as (string | number)[];
    const [epoch, version, total, rank0, raw] = reply;
    const state = this.#stateFrom(config, period, epoch as string, version, total);
    return { state, record: Number(rank0) < 0 ? undefined : toRecordDto(decodeRecord(raw as string), Number(rank0) + 1) };
  }

  async around(boardId: string, ownerId: string, options: { limit?: number; period?: string } = {}) {
    const config = await this.#configOrThrow(boardId);
    const limit = clampLimit(options.limit);
    const period = resolvePeriod(config, options.period, this.#clock());
    const reply = (await this.#redis.script(READ_AROUND, [this.#base(boardId, period.key), config.sort, ownerId, limit])) as (string | number)[];
    const [epoch, version, total, start] = reply;
    const state = this.#stateFrom(config, period, epoch as string, version, total);
    if (Number(start) < 0) return { state, records: undefined };
    const records = reply.slice(4).map((raw, i) => toRecordDto(decodeRecord(raw as string), Number(start) + i + 1));
    return { state, records };
  }

  async state(boardId: string, options: { period?: string } = {}): Promise<LeaderboardPeriodState> {
    const config = await this.#configOrThrow(boardId);
    return this.#stateOf(config, resolvePeriod(config, options.period, this.#clock()));
  }

  async changesSince(boardId: string, since: { period: string; epoch: string; version: number }): Promise<ChangeReplay | undefined> {
    await this.#configOrThrow(boardId);
    const reply = (await this.#redis.script(READ_CHANGES, [this.#base(boardId, since.period), since.version])) as string[];
    const [epoch, versionText, ...entries] = reply;
    const version = Number(versionText);
    if (epoch === "") return since.epoch === EMPTY_EPOCH && since.version === 0 ? { epoch: EMPTY_EPOCH, version: 0, changes: [] } : undefined;
    if (!sameEpoch(epoch, since) || since.version > version || since.version < 0) return undefined;
    if (entries.length < version - since.version) return undefined; // trimmed
    const changes = entries.map((e) => decodeEntry(JSON.parse(e) as RawEntry)).reverse();
    // Defensive: the list must be exactly since+1..version.
    if (changes.some((c, i) => c.version !== since.version + i + 1)) return undefined;
    return { epoch, version, changes };
  }

  async periods(boardId: string, options: { limit?: number } = {}): Promise<string[]> {
    await this.#configOrThrow(boardId);
    const limit = options.limit ?? 20;
    return this.#redis.run((c) => c.zRange(`${this.#keys.prefix}lb:${boardId}:periods`, 0, limit - 1, { REV: true }));
  }

  async #configOrThrow(boardId: string): Promise<LeaderboardConfig> {
    const config = await this.getConfig(boardId);
    if (!config) throw new AppError("NOT_FOUND", `No leaderboard ${boardId}`);
    return config;
  }

  async #stateOf(config: LeaderboardConfig, period: ResolvedPeriod): Promise<LeaderboardPeriodState> {
    const [epoch, version, total] = (await this.#redis.script(READ_STATE, [this.#base(config.id, period.key)])) as (string | number)[];
    return this.#stateFrom(config, period, epoch as string, version, total);
  }

  #stateFrom(config: LeaderboardConfig, period: ResolvedPeriod, epoch: string, version: string | number, total: string | number): LeaderboardPeriodState {
    return {
      leaderboardId: config.id,
      period: period.key,
      periodEndsAt: period.endMs === null ? null : new Date(period.endMs).toISOString(),
      epoch: epoch || EMPTY_EPOCH,
      version: Number(version),
      total: Number(total),
    };
  }
}

type RawEntry = { version: number; rows: unknown[][] };

function decodeEntry(entry: RawEntry): LeaderboardChange {
  return {
    version: entry.version,
    rows: entry.rows.map(([rank, ...record]) => toRecordDto(recordFromArray(record), rank as number)),
  };
}
