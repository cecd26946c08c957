import { type Db, getDb } from "@/db/client";
import { startMetricsListener } from "./services/exporters/prometheus/listener";
import { prometheusObserver } from "./services/exporters/prometheus/observer";
import { createStatsdObserver } from "./services/exporters/statsd/observer";
import type { IngestObserver } from "./services/ingest/observer";
import { startMaintenance } from "./services/rollups/maintenance";

/**
 * Process-wide runtime: the ingest observers (the Prometheus counters, written in each batch's
 * transaction; the StatsD sender, after commit) and the background jobs (partition maintenance and
 * retention, the optional METRICS_PORT listener). Kept on globalThis because Next bundles instrumentation
 * and route handlers separately and both must see one runtime.
 */
export type Runtime = {
  db: Db;
  observers: IngestObserver[];
  stop(): Promise<void>;
};

declare global {
  var __gatewatchRuntime: Promise<Runtime> | undefined;
}

async function startRuntime(): Promise<Runtime> {
  const db = await getDb();
  const statsd = createStatsdObserver({ db });
  const maintenance = startMaintenance(db);
  const stops: (() => Promise<void>)[] = [() => maintenance.stop(), () => statsd.stop()];
  const metricsPort = Number(process.env.METRICS_PORT);
  if (metricsPort > 0) {
    const listener = await startMetricsListener(metricsPort);
    stops.push(() => listener.close());
  }
  return {
    db,
    observers: [prometheusObserver, statsd],
    async stop() {
      // StatsD flushes its queues on stop (kong-plugins §1d.7: nothing queued is silently lost on shutdown).
      for (const stop of stops.reverse())
        await stop().catch((err) => console.error("[gatewatch] stop:", err));
    },
  };
}

/** Starts the runtime once per process (background jobs included) and returns it. */
export function getRuntime(): Promise<Runtime> {
  if (!globalThis.__gatewatchRuntime) {
    globalThis.__gatewatchRuntime = startRuntime();
    globalThis.__gatewatchRuntime.catch(() => {
      globalThis.__gatewatchRuntime = undefined; // database down at start-up: try again on next use
    });
  }
  return globalThis.__gatewatchRuntime;
}

export async function getIngestObservers(): Promise<IngestObserver[]> {
  return (await getRuntime()).observers;
}

/** Stops the background jobs and flushes the exporters; the next getRuntime() starts afresh. */
export async function stopRuntime(): Promise<void> {
  const current = globalThis.__gatewatchRuntime;
  globalThis.__gatewatchRuntime = undefined;
  if (current) await (await current.catch(() => null))?.stop();
}

/**
 * Server boot (instrumentation.ts): migrate and start the background jobs now rather than on the first
 * request, and stop them cleanly on SIGTERM/SIGINT. The database may be down at boot: /api/health answers
 * 503 meanwhile and the runtime starts on first use.
 */
export async function startOnBoot(): Promise<void> {
  try {
    const runtime = await getRuntime();
    const shutdown = async () => {
      await runtime.stop();
      process.exit(0);
    };
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  } catch (err) {
    console.error("[gatewatch] start-up deferred:", err instanceof Error ? err.message : err);
  }
}
