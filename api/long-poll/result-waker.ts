import { Counter, Gauge, type Registry } from "prom-client";
import { LONG_POLL_WAIT, type MatchFeedResponse, type MatchResultPollResponse, type RecordedMatchResult } from "../../shared/index.ts";
import type { ResultStore } from "../../store/match-results.ts";
import type { ChangeNotifications } from "../../store/notifications.ts";
import type { ApiContext } from "../context.ts";
import { ConnectionBudget } from "../limits/connection-budget.ts";
import { HeldConnection } from "../held-connection.ts";
import { answerDetached, answerHeld } from "./answer-detached.ts";
import { WaiterRegistry, jitteredHold, type WaitOutcome } from "./waiter-registry.ts";

export interface LongPollOptions {
  /** Pending polls per player (POLLS_PER_CLIENT). @default 8 */
  perClient: number;
  /** Pending polls from one client IP, whatever its tokens (POLLS_PER_IP). Unset: none. */
  perIp?: number;
  /** Pending polls on this process (POLLS_MAX). Unset: none. */
  max?: number;
  /** The longest hold, seconds (below the 30 s proxy class). @default 25 */
  maxWaitSeconds: number;
}

export interface ResultWakerDeps {
  results: Pick<ResultStore, "get" | "after" | "head">;
  notifications: ChangeNotifications;
  registry: Registry;
  options: LongPollOptions;
  onError: (error: unknown) => void;
  /** `longpoll_result_to_answer_seconds`: notification received → a parked poll's answer written. */
  latency?: { observe(seconds: number): void };
}

type Woken = RecordedMatchResult | RecordedMatchResult[];

const FEED_KEY = "\u0000feed";

/** A parked match poll: what it answers when the hold ends with nothing. */
export interface MatchWait {
  matchId: string;
  cursor: string;
  waitSeconds: number;
  /** `waker.notified` sampled before the poll's first store read. */
  notifiedBefore: number;
}

/** A parked feed poll: it waits for results after `after` in `epoch`. */
export interface FeedWait {
  epoch: string;
  after: number;
  limit: number;
  waitSeconds: number;
  notifiedBefore: number;
}

/**
 * The wake-up machinery of the match-result long polls (api/routes/match-results.ts
 * is the router in front of it). Parked polls live in one waiter registry. A
 * "result recorded" notification (from any process) wakes the waiters of
 * that match with ONE store read, and the feed's waiters with one read of the
 * new results; every waiter of one wake-up gets the same answer bytes,
 * serialised once.
 *
 * A parked poll is held OUTSIDE Koa's middleware chain (answer-detached.ts):
 * the handler returns with `ctx.respond = false` and the waiter writes the
 * answer, so thousands of held polls cost their sockets and a small waiter
 * each, not a suspended chain of a dozen middleware frames.
 */
export class ResultWaker {
  readonly #deps: ResultWakerDeps;
  readonly #waiters: WaiterRegistry<Woken>;
  readonly #metrics;
  readonly #unsubscribe: () => void;
  /**
   * The feed position parked feed polls wait beyond, in the epoch it belongs
   * to: a seq from an older epoch (the feed restarted) must not hide new results.
   */
  #feedSeen = { epoch: "", seq: -1 };
  #notified = 0;
  /** One JSON answer per wake-up and (epoch, after, limit): every feed poll of a crowd shares it. */
  readonly #feedAnswers = new WeakMap<RecordedMatchResult[], Map<string, { json: string; last: number } | null>>();
  readonly #matchAnswers = new WeakMap<RecordedMatchResult, string>();
  /** When the notification that led to a wake-up arrived (performance.now()), by the value the waiters get. */
  readonly #wokenAt = new WeakMap<Woken, number>();

  constructor(deps: ResultWakerDeps) {
    this.#deps = deps;
    const { options } = deps;
    const budget = new ConnectionBudget({
      what: "pending polls",
      perClient: { max: options.perClient, variable: "POLLS_PER_CLIENT", code: "TOO_MANY_POLLS", retryAfter: 1 },
      perIp: options.perIp === undefined ? undefined : { max: options.perIp, variable: "POLLS_PER_IP", code: "TOO_MANY_POLLS", retryAfter: 5 },
      total: options.max === undefined ? undefined : { max: options.max, variable: "POLLS_MAX", retryAfter: 5 },
    });
    const waiters = (this.#waiters = new WaiterRegistry<Woken>({ budget }));
    const registers = [deps.registry];
    this.#metrics = {
      pending: new Gauge({ name: "longpoll_pending", help: "Parked long polls", registers, collect() { this.set(waiters.size); } }),
      wakeups: new Counter({ name: "longpoll_wakeups_total", help: "Store reads that woke parked polls", labelNames: ["kind"] as const, registers }),
      answers: new Counter({ name: "longpoll_answers_total", help: "Long-poll answers by outcome", labelNames: ["outcome"] as const, registers }),
    };
    this.#unsubscribe = deps.notifications.subscribe((event) => {
      if (event.type !== "result" && event.type !== "resync") return;
      this.#notified++;
      const at = performance.now();
      if (event.type === "result") this.#wakeMatch(event.matchId, at).catch(deps.onError);
      else for (const key of [...this.#waiters.keys()]) if (key !== FEED_KEY) this.#wakeMatch(key, at).catch(deps.onError);
      this.#wakeFeed(at).catch(deps.onError);
    });
  }

  /**
   * How many result/resync notifications this process has seen. A poll that
   * samples it before its first store read and finds it unchanged when it
   * parks knows nothing was recorded in between (a result is readable before
   * its notification goes out), so it skips the re-read that closes that race.
   */
  get notified(): number {
    return this.#notified;
  }

  /** Counts a poll answered at once with a result. */
  answeredAtOnce(): void {
    this.#metrics.answers.inc({ outcome: "immediate" });
  }

  /** Parks a match poll until its result is recorded (the result) or the hold ends (`changed: false`). */
  waitForMatch(ctx: ApiContext, wait: MatchWait): Promise<void> {
    const answers = this.#matchAnswers;
    return this.#park(ctx, wait.matchId, wait, async () => (await this.#deps.results.get(wait.matchId)) !== undefined, (outcome) => {
      if (outcome.kind !== "woken") return JSON.stringify({ cursor: wait.cursor, final: false, changed: false } satisfies MatchResultPollResponse);
      const result = outcome.value as RecordedMatchResult;
      let json = answers.get(result);
      if (json === undefined) answers.set(result, (json = JSON.stringify(resultAnswer(result))));
      return json;
    });
  }

  /** Parks a feed poll until a result is recorded after `after` (those results) or the hold ends (none). */
  waitForFeed(ctx: ApiContext, wait: FeedWait): Promise<void> {
    const { epoch, after, limit, notifiedBefore } = wait;
    this.#feedSeen = this.#feedSeen.epoch === epoch ? { epoch, seq: Math.max(this.#feedSeen.seq, after) } : { epoch, seq: after };
    return this.#park(ctx, FEED_KEY, wait, async () => (await this.#deps.results.head()).seq > after, async (outcome) => {
      if (outcome.kind === "woken") {
        const shared = this.#feedAnswer(outcome.value as RecordedMatchResult[], epoch, after, limit);
        if (shared !== null) {
          this.#sawFeed(epoch, shared.last);
          return shared.json;
        }
      }
      // Timed out with no notification since the head was read: nothing was recorded after it, no read needed.
      const read = outcome.kind === "woken" || (outcome.kind === "timeout" && this.#notified !== notifiedBefore);
      const fresh = read ? await this.#deps.results.after(after, limit) : [];
      if (fresh.length > 0) this.#sawFeed(epoch, fresh[fresh.length - 1].seq);
      return JSON.stringify(feedBody(epoch, after, fresh, false));
    });
  }

  /** Answers every parked poll (`changed: false`), counted as `drained`. */
  drain(): void {
    this.#waiters.drain();
  }

  close(): void {
    this.#unsubscribe();
    this.#waiters.drain();
  }

  /** `notifiedAt`: when the notification arrived (measured to each answer); unset for the parking race's re-check. */
  async #wakeMatch(matchId: string, notifiedAt?: number): Promise<void> {
    if (!this.#waiters.has(matchId)) return;
    const result = await this.#deps.results.get(matchId);
    if (!result) return;
    this.#metrics.wakeups.inc({ kind: "match" });
    if (notifiedAt !== undefined) this.#wokenAt.set(result, notifiedAt);
    this.#waiters.wake(matchId, result);
  }

  async #wakeFeed(notifiedAt?: number): Promise<void> {
    if (!this.#waiters.has(FEED_KEY) || this.#feedSeen.seq < 0) return;
    const fresh = await this.#deps.results.after(this.#feedSeen.seq, 100);
    if (fresh.length === 0) return;
    this.#metrics.wakeups.inc({ kind: "feed" });
    if (notifiedAt !== undefined) this.#wokenAt.set(fresh, notifiedAt);
    this.#waiters.wake(FEED_KEY, fresh);
  }

  /** A detached poll's answer, written: its latency from the notification that woke it, when there was one. */
  #answered(outcome: WaitOutcome<Woken>): void {
    const latency = this.#deps.latency;
    if (!latency || outcome.kind !== "woken") return;
    const at = this.#wokenAt.get(outcome.value);
    if (at !== undefined) latency.observe((performance.now() - at) / 1000);
  }

  #sawFeed(epoch: string, seq: number): void {
    if (this.#feedSeen.epoch === epoch) this.#feedSeen.seq = Math.max(this.#feedSeen.seq, seq);
  }

  /**
   * Parks a poll and answers it with `answer(outcome)` (the JSON body) once
   * woken, timed out, drained or abandoned. `changedMeanwhile` closes the
   * race between the caller's read and the parking — run only when a
   * notification arrived since `notifiedBefore`: if it says something landed
   * in between, wake at once. Until then the poll is still in the middleware
   * chain (errors answer the usual way); after, it is detached: held outside
   * Node's HTTP server when it can be (api/held-connection.ts: what it keeps
   * is the socket and this waiter, not the request, response and context),
   * else answered through Koa's context (answer-detached.ts).
   */
  async #park(
    ctx: ApiContext,
    key: string,
    wait: { waitSeconds: number; notifiedBefore: number },
    changedMeanwhile: () => Promise<boolean>,
    answer: (outcome: WaitOutcome<Woken>) => string | Promise<string>,
  ): Promise<void> {
    const seconds = Math.min(Math.max(wait.waitSeconds, LONG_POLL_WAIT.min), this.#deps.options.maxWaitSeconds);
    // A little jitter so a crowd of pollers does not come back in lockstep.
    const ms = jitteredHold(seconds * 1000);
    // Where the answer goes, set when the poll detaches; the closures below reach the request
    // only through it, so a held poll drops the context.
    const target: { early?: WaitOutcome<Woken>; ctx?: ApiContext; held?: HeldConnection; failed?: boolean } = {};
    const metrics = this.#metrics;
    const onError = this.#deps.onError;
    const waker = this;
    // What a parked poll holds stays small: no named closures here (tsx compiles with esbuild's
    // keepNames, which gives each named function made per request a property store of its own).
    const waiter = this.#waiters.park(
      key,
      ctx.state.player!.playerId,
      ms,
      (outcome) => {
        if (target.failed) return;
        metrics.answers.inc({ outcome: outcome.kind });
        if (target.held) answerHeld(target.held, () => answer(outcome), onError).then(() => waker.#answered(outcome), onError);
        else if (target.ctx)
          answerDetached(target.ctx, async () => setJson(target.ctx!, await answer(outcome)))
            .then(() => waker.#answered(outcome))
            .catch(onError);
        else target.early = outcome;
      },
      ctx.ip,
    );
    const waiters = this.#waiters;
    // The client went away: release the slot at once. (Node also emits `close` after an answer; cancel is then a no-op.)
    ctx.req.on("close", () => waiters.cancel(waiter));
    try {
      if (this.#notified !== wait.notifiedBefore && (await changedMeanwhile())) {
        if (key === FEED_KEY) await this.#wakeFeed();
        else await this.#wakeMatch(key);
      }
    } catch (error) {
      // Answered by the error middleware, not as a poll outcome.
      target.failed = true;
      this.#waiters.cancel(waiter);
      throw error;
    }
    if (target.early) return setJson(ctx, await answer(target.early));
    // From here the waiter writes the answer; the headers the chain adds on its way out must already be there.
    ctx.set("Cache-Control", "no-store");
    ctx.respond = false;
    const held = HeldConnection.take(ctx.req, ctx.res, () => waiters.cancel(waiter));
    if (held) target.held = held;
    else target.ctx = ctx;
  }

  /** The woken answer of a poll that waited beyond `after`, or null when the wake-up read does not start right after it. */
  #feedAnswer(woken: RecordedMatchResult[], epoch: string, after: number, limit: number): { json: string; last: number } | null {
    let answers = this.#feedAnswers.get(woken);
    if (!answers) this.#feedAnswers.set(woken, (answers = new Map()));
    const key = `${epoch}:${after}:${limit}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      const fresh = woken.filter((r) => r.seq > after);
      // A wake-up read from an older position, or a result recorded while this poll was parking: the poll reads its own gap.
      const results = fresh.length > 0 && fresh[0].seq === after + 1 ? fresh.slice(0, limit) : undefined;
      const last = results ? results[results.length - 1].seq : after;
      answer = results ? { json: JSON.stringify({ cursor: `${epoch}:${last}`, results, changed: true } satisfies MatchFeedResponse), last } : null;
      answers.set(key, answer);
    }
    return answer;
  }
}

/** A feed answer: the results after `after` (none when the hold ended), and the cursor after them. */
export function feedBody(epoch: string, after: number, results: RecordedMatchResult[], reset: boolean): MatchFeedResponse {
  const last = results.length > 0 ? results[results.length - 1].seq : after;
  return { cursor: `${epoch}:${last}`, results, changed: results.length > 0, ...(reset ? { reset } : {}) };
}

/** A match poll's answer once the result is recorded. */
export function resultAnswer(result: RecordedMatchResult): MatchResultPollResponse {
  return { cursor: `r${result.seq}`, final: true, changed: true, result };
}

function setJson(ctx: ApiContext, json: string): void {
  ctx.type = "json";
  ctx.body = json;
}
