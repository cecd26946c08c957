import { type Db, dbKind } from "@/db/client";
import type { Interval } from "@/lib/time-range";
import pkg from "@/package.json";
import { retentionFromEnv } from "../rollups/maintenance";
import { checkHealth } from "./health";

export type SystemSettings = {
  version: string;
  database: { kind: "postgres" | "pglite"; migrations: number; reachable: boolean };
  /** seconds each rollup level is kept */
  retention: Record<Interval, number>;
  ingest: { endpoint: string; kongEndpoint: string; tokenConfigured: boolean };
  metrics: { endpoint: string; tokenConfigured: boolean; port: number | null };
};

/**
 * What an operator checks on the Settings page. Tokens are reported as configured or not, never echoed.
 * The database answers through the health check; an outage shows as unreachable rather than an error page.
 */
export async function getSystemSettings(
  db: Db,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SystemSettings> {
  const health = await checkHealth(db).catch(() => null);
  const metricsPort = Number(env.METRICS_PORT);
  return {
    version: pkg.version,
    database: { kind: dbKind(db), migrations: health?.migrations ?? 0, reachable: health !== null },
    retention: retentionFromEnv(env),
    ingest: {
      endpoint: "/api/ingest",
      kongEndpoint: "/api/ingest/kong",
      tokenConfigured: Boolean(env.INGEST_TOKEN),
    },
    metrics: {
      endpoint: "/metrics",
      tokenConfigured: Boolean(env.METRICS_TOKEN),
      port: Number.isInteger(metricsPort) && metricsPort > 0 ? metricsPort : null,
    },
  };
}
