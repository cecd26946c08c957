import { describe, expect, it } from "vitest";
import { type QueueItem, type QueueParams, queueParams, SendQueue } from "../queue";
import type { SendResult } from "../transport";
import { statsdConfig } from "./helpers";

const DEFAULTS: QueueParams = {
  maxBatchSize: 1,
  maxCoalescingDelay: 1,
  maxEntries: 10_000,
  maxBytes: null,
  maxRetryTime: 60,
  initialRetryDelay: 0.01,
  maxRetryDelay: 60,
  concurrencyLimit: 1,
};

type Item = QueueItem & { lines: string[] };
const entry = (...lines: string[]): Item => ({
  lines,
  lineCount: lines.length,
  bytes: lines.reduce((n, l) => n + l.length + 1, 0),
});

type Harness = {
  queue: SendQueue<Item>;
  calls: { lines: string[]; at: number }[];
  sent: number[];
  dropped: { lines: number; reason: string }[];
  failures: { message: string; willRetry: boolean }[];
  warnings: string[];
  /** Each send takes its outcome from here: ok, an error, or a promise to wait on. */
  outcomes: (() => Promise<void>)[];
};

function harness(params: Partial<QueueParams> = {}): Harness {
  const h: Harness = {
    queue: undefined as unknown as SendQueue<Item>,
    calls: [],
    sent: [],
    dropped: [],
    failures: [],
    warnings: [],
    outcomes: [],
  };
  const send = async (batch: Item[]): Promise<SendResult & { lines: number }> => {
    const lines = batch.flatMap((e) => e.lines);
    h.calls.push({ lines, at: performance.now() });
    const outcome = h.outcomes.shift();
    if (outcome) await outcome();
    return { packets: lines.length, bytes: lines.join("").length, lines: lines.length };
  };
  h.queue = new SendQueue(
    { ...DEFAULTS, ...params },
    send,
    {
      sent: (n) => h.sent.push(n),
      dropped: (lines, reason) => h.dropped.push({ lines, reason }),
      failed: (err, willRetry) => h.failures.push({ message: (err as Error).message, willRetry }),
      warn: (m) => h.warnings.push(m),
      info: (m) => h.warnings.push(m),
    },
    "plugin-1",
  );
  return h;
}

const fail =
  (message = "failed to connect to 127.0.0.1:1: connection refused") =>
  async () => {
    throw new Error(message);
  };

describe("SendQueue (Kong 3.9 kong/tools/queue.lua semantics)", () => {
  it("sends each entry as its own batch by default, in order", async () => {
    const h = harness();
    h.queue.enqueue(entry("a:1|c", "a:2|c"));
    h.queue.enqueue(entry("b:1|c"));
    await h.queue.whenIdle();
    expect(h.calls.map((c) => c.lines)).toEqual([["a:1|c", "a:2|c"], ["b:1|c"]]);
    expect(h.sent).toEqual([2, 1]);
  });

  it("waits up to max_coalescing_delay to fill a batch, and sends at once when it is full", async () => {
    const h = harness({ maxBatchSize: 3, maxCoalescingDelay: 0.2 });
    const t0 = performance.now();
    h.queue.enqueue(entry("a"));
    h.queue.enqueue(entry("b"));
    await h.queue.whenIdle();
    expect(h.calls.map((c) => c.lines)).toEqual([["a", "b"]]);
    // Lower bounds keep a 10 % margin: Node starts a timer from its loop clock, which may be a few ms stale.
    expect(h.calls[0].at - t0).toBeGreaterThanOrEqual(180);

    // A full batch goes at once, even with a long coalescing delay.
    h.queue.setParams({ ...DEFAULTS, maxBatchSize: 3, maxCoalescingDelay: 2 });
    const t1 = performance.now();
    for (const x of ["c", "d", "e"]) h.queue.enqueue(entry(x));
    await h.queue.whenIdle();
    expect(h.calls.slice(1).map((c) => c.lines)).toEqual([["c", "d", "e"]]);
    expect(h.calls[1].at - t1).toBeLessThan(1_000);
  });

  it("at max_entries drops the oldest waiting entry, warning once at 80 % and once when full", async () => {
    const h = harness({ maxEntries: 5 });
    let release!: () => void;
    h.outcomes.push(() => new Promise<void>((r) => (release = r)));
    h.queue.enqueue(entry("inflight")); // taken into a batch at once: no longer counts against max_entries
    for (let i = 1; i <= 7; i++) h.queue.enqueue(entry(`e${i}:1|c`, `e${i}:2|c`));
    expect(h.queue.count()).toBe(5);
    const full = "queue plugin-1: queue full, dropping old entries until processing is successful again";
    expect(h.dropped).toEqual([
      { lines: 2, reason: full },
      { lines: 2, reason: full },
    ]);
    expect(h.warnings).toEqual([
      "queue plugin-1: queue at 80% capacity",
      "queue plugin-1: queue full, dropping old entries until processing is successful again",
    ]);
    expect(h.queue.queuedLines()).toBe(11);
    release();
    await h.queue.whenIdle();
    expect(h.calls.map((c) => c.lines[0])).toEqual([
      "inflight",
      "e3:1|c",
      "e4:1|c",
      "e5:1|c",
      "e6:1|c",
      "e7:1|c",
    ]);
    expect(h.warnings.at(-1)).toBe("queue plugin-1: queue resumed processing");
  });

  it("max_bytes refuses an entry larger than the limit and drops the oldest to make room", async () => {
    const h = harness({ maxBytes: 20 });
    let release!: () => void;
    h.outcomes.push(() => new Promise<void>((r) => (release = r)));
    h.queue.enqueue(entry("first"));
    h.queue.enqueue(entry("x".repeat(30)));
    expect(h.dropped).toEqual([
      {
        lines: 1,
        reason:
          "queue plugin-1: string to be queued is longer (31 bytes) than the queue's max_bytes (20 bytes)",
      },
    ]);
    h.queue.enqueue(entry("a".repeat(9))); // 10 bytes with its newline
    h.queue.enqueue(entry("b".repeat(9)));
    h.queue.enqueue(entry("c".repeat(9)));
    expect(h.dropped[1]).toEqual({ lines: 1, reason: "queue plugin-1: byte capacity exceeded" });
    expect(h.warnings).toContain("queue plugin-1: byte capacity exceeded, 1 queue entries were dropped");
    release();
    await h.queue.whenIdle();
    expect(h.calls.map((c) => c.lines[0])).toEqual(["first", "b".repeat(9), "c".repeat(9)]);
  });

  it("retries a failed batch with the delay doubling from initial_retry_delay, capped by max_retry_delay", async () => {
    const h = harness({ initialRetryDelay: 0.05, maxRetryDelay: 0.1 });
    h.outcomes.push(fail(), fail(), fail(), fail());
    h.queue.enqueue(entry("a:1|c"));
    await h.queue.whenIdle();
    expect(h.calls).toHaveLength(5);
    expect(h.sent).toEqual([1]);
    const gaps = h.calls.slice(1).map((c, i) => c.at - h.calls[i].at);
    // 10 % margins: Node starts a timer from its loop clock, which may be a few ms stale.
    expect(gaps[0]).toBeGreaterThanOrEqual(45);
    expect(gaps[1]).toBeGreaterThanOrEqual(90);
    expect(gaps[2]).toBeGreaterThanOrEqual(90);
    expect(gaps[3]).toBeGreaterThanOrEqual(90);
    // Capped: without max_retry_delay the fourth wait would be 400 ms.
    expect(gaps[3]).toBeLessThan(400);
    expect(h.failures.every((f) => f.willRetry)).toBe(true);
  });

  it("drops and counts a batch still failing after max_retry_time", async () => {
    const h = harness({ initialRetryDelay: 0.02, maxRetryTime: 0.1 });
    for (let i = 0; i < 20; i++) h.outcomes.push(fail());
    h.queue.enqueue(entry("a:1|c", "b:1|c"));
    expect(h.queue.retrying()).toBe(0);
    await new Promise((r) => setTimeout(r, 30));
    expect(h.queue.retrying()).toBe(1);
    await h.queue.whenIdle();
    // Attempts at ~0, 20, 60, 140 ms (later on a busy machine): retried while within 100 ms, then given up.
    const n = h.calls.length;
    expect(n).toBeGreaterThanOrEqual(2);
    expect(n).toBeLessThanOrEqual(4);
    expect(h.failures.map((f) => f.willRetry)).toEqual([...Array(n - 1).fill(true), false]);
    expect(h.calls[n - 1].at - h.calls[0].at).toBeGreaterThan(100);
    expect(h.calls[n - 2].at - h.calls[0].at).toBeLessThanOrEqual(100);
    expect(h.dropped).toEqual([
      {
        lines: 2,
        reason:
          "queue plugin-1: could not send entries due to max_retry_time exceeded. 1 queue entries were lost",
      },
    ]);
    expect(h.queue.retrying()).toBe(0);
  });

  it("close() sends what is queued without coalescing, then refuses new entries", async () => {
    const h = harness({ maxBatchSize: 100, maxCoalescingDelay: 30 });
    h.queue.enqueue(entry("a"));
    h.queue.enqueue(entry("b"));
    const t0 = performance.now();
    await h.queue.close(Date.now() + 2_000);
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(h.calls.map((c) => c.lines)).toEqual([["a", "b"]]);
    h.queue.enqueue(entry("late"));
    expect(h.dropped).toEqual([{ lines: 1, reason: "queue is shutting down" }]);
  });

  it("close() stops retrying at its deadline and counts what was lost", async () => {
    const h = harness({ initialRetryDelay: 10 });
    for (let i = 0; i < 100; i++) h.outcomes.push(fail());
    h.queue.enqueue(entry("a:1|c"));
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    await h.queue.close(Date.now() + 200);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(h.dropped.map((d) => d.lines)).toEqual([1]);
  });

  it("concurrency_limit -1 sends every entry at once, without a queue", async () => {
    const h = harness({ concurrencyLimit: -1, maxBatchSize: 10 });
    const releases: (() => void)[] = [];
    h.outcomes.push(
      () => new Promise<void>((r) => releases.push(r)),
      () => new Promise<void>((r) => releases.push(r)),
    );
    h.queue.enqueue(entry("a"));
    h.queue.enqueue(entry("b"));
    expect(h.calls.map((c) => c.lines)).toEqual([["a"], ["b"]]);
    for (const r of releases) r();
    await h.queue.whenIdle();
    expect(h.sent).toEqual([1, 1]);
  });

  it("reads the queue parameters like Queue.get_plugin_params, deprecated fields included", () => {
    expect(queueParams(statsdConfig())).toEqual(DEFAULTS);
    const legacy = queueParams(
      statsdConfig({ queue_size: 5, flush_timeout: 3, queue: { max_batch_size: 2 } }),
    );
    expect(legacy.maxBatchSize).toBe(5);
    expect(legacy.maxCoalescingDelay).toBe(3);
    const defaults = queueParams(
      statsdConfig({ queue_size: 1, flush_timeout: 2, queue: { max_batch_size: 2 } }),
    );
    expect(defaults.maxBatchSize).toBe(2);
    expect(defaults.maxCoalescingDelay).toBe(1);
  });
});
