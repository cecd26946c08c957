import type { StatsdConfig } from "@/lib/plugins/statsd";
import type { SendResult } from "./transport";

/** Kong's queue parameters (kong/tools/queue.lua @ 3.9), times in seconds. */
export type QueueParams = {
  maxBatchSize: number;
  maxCoalescingDelay: number;
  maxEntries: number;
  maxBytes: number | null;
  maxRetryTime: number;
  initialRetryDelay: number;
  maxRetryDelay: number;
  /** 1: one batch at a time; -1: every entry is handled at once, on its own (Kong 3.8+). */
  concurrencyLimit: 1 | -1;
};

/** `Queue.get_plugin_params`: the deprecated queue_size / flush_timeout win when set to a non-default value. */
export function queueParams(config: StatsdConfig): QueueParams {
  const q = config.queue;
  return {
    maxBatchSize: config.queue_size != null && config.queue_size !== 1 ? config.queue_size : q.max_batch_size,
    maxCoalescingDelay:
      config.flush_timeout != null && config.flush_timeout !== 2
        ? config.flush_timeout
        : q.max_coalescing_delay,
    maxEntries: q.max_entries,
    maxBytes: q.max_bytes ?? null,
    maxRetryTime: q.max_retry_time,
    initialRetryDelay: q.initial_retry_delay,
    maxRetryDelay: q.max_retry_delay,
    concurrencyLimit: q.concurrency_limit === -1 ? -1 : 1,
  };
}

/**
 * What the queue needs to know of an entry (Kong's entry is one serialized request): how many lines it
 * stands for (for the drop counters) and its size in bytes (only used when max_bytes is set).
 */
export type QueueItem = { lineCount: number; bytes: number };

export type QueueEvents = {
  sent(lines: number, result: SendResult): void;
  dropped(lines: number, reason: string): void;
  failed(err: unknown, willRetry: boolean): void;
  warn(message: string): void;
  info(message: string): void;
};

// kong/tools/queue.lua constants.
const CAPACITY_WARNING_THRESHOLD = 0.8;
const COALESCE_MIN_TIME = 0.05;

/**
 * A plugin instance's queue with Kong's semantics: batches of up to max_batch_size entries, waiting up to
 * max_coalescing_delay for a batch to fill; at max_entries the oldest entry is dropped (a warning at 80 %
 * fill); max_bytes drops the oldest entries to make room, and refuses an entry larger than the limit; a
 * failed batch is retried with a delay doubling from initial_retry_delay up to max_retry_delay until
 * max_retry_time has passed, then dropped. As in Kong 3.9, a batch leaves the queue when it is taken, so
 * the limits count only waiting entries. Enqueueing never waits.
 */
export class SendQueue<E extends QueueItem> {
  private entries: E[] = [];
  private head = 0;
  private bytesQueued = 0;
  private running = false;
  private inFlight = 0;
  private inFlightLines = 0;
  private waitingLines = 0;
  private retryingBatches = 0;
  private warned = false;
  private wake: (() => void) | null = null;
  private closing = false;
  private closeDeadline = Number.POSITIVE_INFINITY;
  private idle: (() => void)[] = [];
  private sleepers = new Set<() => void>();
  private full = false;

  constructor(
    private params: QueueParams,
    /** Sends a batch; resolves with the number of lines actually sent. */
    private readonly send: (batch: E[]) => Promise<SendResult & { lines: number }>,
    private readonly events: QueueEvents,
    private readonly name: string,
  ) {}

  setParams(params: QueueParams): void {
    this.params = params;
  }

  /** Entries waiting (not yet taken into a batch). */
  count(): number {
    return this.entries.length - this.head;
  }

  /** Lines waiting plus lines of batches being sent or retried. */
  queuedLines(): number {
    const n = this.inFlightLines;
    return n + this.waitingLines;
  }

  /** Batches currently failing and waiting to be retried. */
  retrying(): number {
    return this.retryingBatches;
  }

  /** Resolves when nothing is waiting or being sent. */
  whenIdle(): Promise<void> {
    if (!this.running && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  enqueue(entry: E): void {
    if (this.closing) {
      this.events.dropped(entry.lineCount, "queue is shutting down");
      return;
    }
    if (this.params.concurrencyLimit === -1) {
      void this.handle([entry]);
      return;
    }
    const { maxEntries, maxBytes } = this.params;
    if (this.count() >= maxEntries * CAPACITY_WARNING_THRESHOLD) {
      if (!this.warned) {
        this.warned = true;
        this.events.warn(this.message(`queue at ${CAPACITY_WARNING_THRESHOLD * 100}% capacity`));
      }
    } else {
      this.warned = false;
    }
    if (this.count() >= maxEntries) {
      if (!this.full) {
        this.full = true;
        this.events.warn(
          this.message("queue full, dropping old entries until processing is successful again"),
        );
      }
      const reason = this.message("queue full, dropping old entries until processing is successful again");
      while (this.count() >= maxEntries) this.dropOldest(reason);
    }
    if (maxBytes !== null) {
      if (entry.bytes > maxBytes) {
        this.events.dropped(
          entry.lineCount,
          this.message(
            `string to be queued is longer (${entry.bytes} bytes) than the queue's max_bytes (${maxBytes} bytes)`,
          ),
        );
        return;
      }
      let dropped = 0;
      while (this.count() > 0 && this.bytesQueued + entry.bytes > maxBytes) {
        this.dropOldest(this.message("byte capacity exceeded"));
        dropped++;
      }
      if (dropped > 0)
        this.events.warn(this.message(`byte capacity exceeded, ${dropped} queue entries were dropped`));
    }
    this.entries.push(entry);
    this.bytesQueued += entry.bytes;
    this.waitingLines += entry.lineCount;
    const wake = this.wake;
    if (wake) {
      this.wake = null;
      wake();
    }
    if (!this.running) {
      this.running = true;
      void this.run();
    }
  }

  /**
   * Sends everything still queued without waiting for batches to fill, retrying until `deadlineMs`
   * (epoch ms); what is still unsent then is dropped and counted. New entries are refused from now on.
   */
  async close(deadlineMs: number): Promise<void> {
    this.closing = true;
    this.closeDeadline = deadlineMs;
    this.wake?.();
    this.wake = null;
    for (const wakeSleeper of this.sleepers) wakeSleeper();
    await this.whenIdle();
  }

  private message(text: string): string {
    return `queue ${this.name}: ${text}`;
  }

  private dropOldest(reason: string): void {
    const entry = this.entries[this.head];
    this.entries[this.head] = undefined as unknown as E;
    this.head++;
    this.bytesQueued -= entry.bytes;
    this.waitingLines -= entry.lineCount;
    this.compact();
    this.events.dropped(entry.lineCount, reason);
  }

  private compact(): void {
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  private async run(): Promise<void> {
    try {
      while (this.count() > 0) await this.processOnce();
    } finally {
      this.running = false;
      this.settleIfIdle();
    }
  }

  private settleIfIdle(): void {
    if (this.running || this.inFlight > 0) return;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private async processOnce(): Promise<void> {
    const started = performance.now();
    // Coalesce: wait for more entries until the batch is full or the delay budget is spent.
    while (!this.closing && this.count() < this.params.maxBatchSize) {
      const remaining = this.params.maxCoalescingDelay - (performance.now() - started) / 1000;
      if (remaining < COALESCE_MIN_TIME) break;
      await this.waitForEntry(remaining * 1000);
    }
    const take = Math.min(this.params.maxBatchSize, this.count());
    if (take === 0) return;
    const batch = this.entries.slice(this.head, this.head + take);
    for (let i = 0; i < take; i++) this.entries[this.head + i] = undefined as unknown as E;
    this.head += take;
    for (const e of batch) {
      this.bytesQueued -= e.bytes;
      this.waitingLines -= e.lineCount;
    }
    this.compact();
    if (this.full) {
      this.full = false;
      this.events.info(this.message("queue resumed processing"));
    }
    await this.handle(batch);
  }

  private waitForEntry(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.wake === done) this.wake = null;
        resolve();
      }, ms);
      // Queue timers never keep the process alive; shutdown flushes through close().
      timer.unref();
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.wake = done;
    });
  }

  /** A retry back-off that close() cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.sleepers.add(done);
    });
  }

  /** Kong's `handle`: send, and on failure retry with exponential back-off until max_retry_time. */
  private async handle(batch: E[]): Promise<void> {
    let lines = 0;
    for (const e of batch) lines += e.lineCount;
    this.inFlight++;
    this.inFlightLines += lines;
    const started = performance.now();
    let retry = 0;
    let retrying = false;
    try {
      for (;;) {
        try {
          const result = await this.send(batch);
          this.events.sent(result.lines, result);
          return;
        } catch (err) {
          const elapsed = (performance.now() - started) / 1000;
          const giveUp =
            elapsed > this.params.maxRetryTime || (this.closing && Date.now() >= this.closeDeadline);
          this.events.failed(err, !giveUp);
          if (giveUp) {
            this.events.dropped(
              lines,
              this.message(
                `could not send entries due to max_retry_time exceeded. ${batch.length} queue entries were lost`,
              ),
            );
            return;
          }
          if (!retrying) {
            retrying = true;
            this.retryingBatches++;
          }
          const delay =
            Math.min(this.params.maxRetryDelay, 2 ** retry * this.params.initialRetryDelay) * 1000;
          await this.sleep(
            this.closing ? Math.min(delay, Math.max(0, this.closeDeadline - Date.now())) : delay,
          );
          retry++;
        }
      }
    } finally {
      if (retrying) this.retryingBatches--;
      this.inFlight--;
      this.inFlightLines -= lines;
      this.settleIfIdle();
    }
  }
}
