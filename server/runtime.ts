import type { Db } from "@/db/client";
import { getDb } from "@/db/client";
import type { IngestObserver } from "./services/ingest/observer";

/**
 * Process-wide runtime: the ingest observers (exporters) and the background jobs. Kept on globalThis
 * because Next bundles instrumentation and route handlers separately; both must see one runtime.
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
  const observers: IngestObserver[] = [];
  const stops: (() => Promise<void>)[] = [];
  return {
    db,
    observers,
    async stop() {
      for (const stop of stops.reverse()) await stop();
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
