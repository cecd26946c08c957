/**
 * A share of the event loop for sending (a token bucket of busy milliseconds). Gatewatch sends for a whole
 * cluster from one process, and with Kong's default config (one datagram per line) a busy cluster asks for
 * more datagrams than one Node thread can write without starving ingest, which runs on the same thread.
 * The sender therefore takes at most `fraction` of wall time; what it cannot send in that share waits in
 * the plugin queues, whose limits (max_entries, max_bytes) then drop the oldest entries, counted and shown
 * on the plugin page, exactly as a Kong queue does when its server is too slow.
 */
export type SendBudget = {
  /** Resolves when there is budget left (at once, usually). */
  wait(): Promise<void> | null;
  /** Charges the synchronous time a send took. */
  spend(ms: number): void;
};

export function createSendBudget(fraction: number, burstMs = 25): SendBudget {
  let tokens = burstMs;
  let last = performance.now();
  const refill = () => {
    const now = performance.now();
    tokens = Math.min(burstMs, tokens + (now - last) * fraction);
    last = now;
  };
  return {
    wait() {
      if (fraction >= 1) return null;
      refill();
      if (tokens >= 0) return null;
      // A timer may fire a little before performance.now() says its delay passed (Node's timers run on a
      // millisecond loop clock): check again, so the promise settles only once the budget is back.
      return new Promise((resolve) => {
        const check = () => {
          refill();
          if (tokens >= 0) resolve();
          else setTimeout(check, Math.max(1, Math.ceil(-tokens / fraction)));
        };
        setTimeout(check, Math.ceil(-tokens / fraction));
      });
    },
    spend(ms) {
      refill();
      tokens -= ms;
    },
  };
}

/** `STATSD_SEND_BUDGET`: the share of the event loop the StatsD sender may use (default 0.1 = 10 %). */
export function sendBudgetFromEnv(): number {
  const n = Number(process.env.STATSD_SEND_BUDGET);
  return Number.isFinite(n) && n > 0 && n <= 1 ? n : 0.1;
}
