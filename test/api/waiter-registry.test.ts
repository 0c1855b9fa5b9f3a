import assert from "node:assert/strict";
import { WaiterRegistry } from "../../api/long-poll/waiter-registry.ts";
import { AppError } from "../../shared/index.ts";
import { waitFor } from "../helpers/wait.ts";

describe("long-poll waiter registry", () => {
  it("one wake answers every waiter of the key with the same value", async () => {
    const registry = new WaiterRegistry<{ n: number }>({ maxPerClient: 10 });
    const value = { n: 1 };
    const waits = [registry.wait("m_1", "a", 5000), registry.wait("m_1", "b", 5000), registry.wait("m_2", "c", 5000)];
    assert.equal(registry.wake("m_1", value), 2);
    const [a, b] = await Promise.all(waits.slice(0, 2));
    assert.deepEqual(a, { kind: "woken", value });
    assert.equal(a.kind === "woken" && b.kind === "woken" && a.value === b.value, true, "the same object: one read");
    assert.equal(registry.size, 1);
    assert.equal(registry.drain(), 1);
    assert.deepEqual(await waits[2], { kind: "drained" });
    assert.equal(registry.size, 0);
  });

  it("times out, and cleans up aborted waiters (10,000 abandoned polls leave nothing behind)", async () => {
    const registry = new WaiterRegistry<number>({ maxPerClient: 20_000 });
    assert.deepEqual(await registry.wait("k", "a", 10), { kind: "timeout" });
    const controllers = Array.from({ length: 10_000 }, () => new AbortController());
    const waits = controllers.map((c, i) => registry.wait(`m_${i % 100}`, "a", 60_000, c.signal));
    assert.equal(registry.size, 10_000);
    for (const c of controllers) c.abort();
    const outcomes = await Promise.all(waits);
    assert.ok(outcomes.every((o) => o.kind === "aborted"));
    assert.equal(registry.size, 0);
    assert.equal([...registry.keys()].length, 0);
  });

  it("park/cancel: each waiter is answered exactly once, and one re-parked while being woken waits for the next wake", async () => {
    const registry = new WaiterRegistry<number>({ maxPerClient: 10 });
    const outcomes: string[] = [];
    const record = (name: string) => (outcome: { kind: string; value?: number }) => outcomes.push(`${name}:${outcome.kind}${outcome.value === undefined ? "" : `=${outcome.value}`}`);
    const cancelled = registry.park("k", "a", 5000, record("cancelled"));
    let again: ReturnType<typeof registry.park> | undefined;
    registry.park("k", "a", 5000, (outcome) => {
      record("first")(outcome);
      again = registry.park("k", "a", 5000, record("again"));
    });
    assert.equal(registry.cancel(cancelled), true);
    assert.equal(registry.cancel(cancelled), false, "already answered");
    assert.equal(registry.wake("k", 1), 1);
    assert.equal(registry.size, 1);
    assert.equal(registry.wake("k", 2), 1);
    assert.equal(registry.cancel(again!), false);
    registry.park("t", "a", 10, record("timed"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(outcomes, ["cancelled:aborted", "first:woken=1", "again:woken=2", "timed:timeout"]);
    assert.equal(registry.size, 0);
    assert.equal([...registry.keys()].length, 0);
  });

  it("a big wake-up yields to the event loop between slices, and still answers every waiter exactly once", async () => {
    const registry = new WaiterRegistry<number>({ maxPerClient: 10_000 });
    const answered: number[] = [];
    const spin = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    for (let i = 0; i < 2000; i++) {
      registry.park("feed", `c${i}`, 60_000, (outcome) => {
        spin(0.05); // an HTTP answer's worth of work: 2,000 of them are 100 ms, far over one slice
        answered.push(outcome.kind === "woken" ? outcome.value : -1);
      });
    }
    let answeredWhenTheLoopRan = -1;
    setImmediate(() => (answeredWhenTheLoopRan = answered.length));
    assert.equal(registry.wake("feed", 7), 2000);
    const inFirstSlice = answered.length;
    assert.ok(inFirstSlice > 0 && inFirstSlice < 2000, `the first slice answers some, not all (${inFirstSlice})`);
    await waitFor(() => answered.length === 2000, "every waiter answered");
    assert.ok(answeredWhenTheLoopRan >= inFirstSlice && answeredWhenTheLoopRan < 2000, `other work ran between slices (after ${answeredWhenTheLoopRan})`);
    assert.ok(answered.every((v) => v === 7));
    assert.equal(registry.size, 0);
  });

  it("caps pending polls per client with TOO_MANY_POLLS and frees the slot when one ends", async () => {
    const subscribed: string[] = [];
    const registry = new WaiterRegistry<number>({ maxPerClient: 2, onFirstWaiter: (k) => subscribed.push(`+${k}`), onLastWaiter: (k) => subscribed.push(`-${k}`) });
    const first = registry.wait("k", "ip", 5000);
    const second = registry.wait("k", "ip", 5000);
    assert.throws(() => registry.wait("k", "ip", 5000), (e: unknown) => e instanceof AppError && e.code === "TOO_MANY_POLLS" && e.retryAfter === 1);
    const other = registry.wait("k", "other-ip", 5000);
    registry.wake("k", 7);
    await Promise.all([first, second, other]);
    const third = registry.wait("k", "ip", 5000);
    registry.wake("k", 8);
    assert.deepEqual(await third, { kind: "woken", value: 8 });
    assert.deepEqual(subscribed, ["+k", "-k", "+k", "-k"]);
  });
});
