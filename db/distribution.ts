import type { PgTable } from "drizzle-orm/pg-core";
import * as schema from "./schema";

/**
 * How each table distributes on Citus (scale-notes §0, §2). The single source for the schema lint test
 * (db/__tests__/distribution.test.ts) and for the `distribute.sql` step users run on a Citus coordinator
 * (`npm run citus:sql`). Migrations stay plain PostgreSQL (R10).
 */
export type Distribution =
  | { kind: "distributed"; column: string; colocateWith: string | "none"; partitioned: boolean }
  | { kind: "reference" }
  | { kind: "local"; reason: string };

const byNode = (colocateWith: string | "none") =>
  ({ kind: "distributed", column: "node_id", colocateWith, partitioned: true }) as const;
const local = (reason: string) => ({ kind: "local", reason }) as const;
/** The cluster-wide rollups: no node or entity column, a few rows per bucket (scale-notes §2). */
const CLUSTER_ROWS = local("a few rows per bucket for the whole cluster");

export const DISTRIBUTION: Record<string, { table: PgTable; distribution: Distribution }> = {
  // Health and per-node codes: per-node pages are router queries; cluster charts fan out (few rows).
  health_seconds: { table: schema.healthSeconds, distribution: byNode("none") },
  health_minutes: { table: schema.healthMinutes, distribution: byNode("health_seconds") },
  health_hours: { table: schema.healthHours, distribution: byNode("health_seconds") },
  // Cluster rows have no high-cardinality column (node_id is one of 8 shard sentinels; the code tables have none).
  health_cluster_seconds: { table: schema.healthClusterSeconds, distribution: CLUSTER_ROWS },
  health_cluster_minutes: { table: schema.healthClusterMinutes, distribution: CLUSTER_ROWS },
  codes_cluster_minutes: { table: schema.codesClusterMinutes, distribution: CLUSTER_ROWS },
  codes_cluster_hours: { table: schema.codesClusterHours, distribution: CLUSTER_ROWS },
  codes_node_minutes: { table: schema.codesNodeMinutes, distribution: byNode("health_seconds") },
  codes_node_hours: { table: schema.codesNodeHours, distribution: byNode("health_seconds") },
  codes_unmatched_minutes: { table: schema.codesUnmatchedMinutes, distribution: byNode("health_seconds") },
  codes_unmatched_hours: { table: schema.codesUnmatchedHours, distribution: byNode("health_seconds") },
  // Route codes by route_id: even spread, route pages are router queries, top routes are exact.
  codes_route_minutes: {
    table: schema.codesRouteMinutes,
    distribution: { kind: "distributed", column: "route_id", colocateWith: "none", partitioned: true },
  },
  codes_route_hours: {
    table: schema.codesRouteHours,
    distribution: {
      kind: "distributed",
      column: "route_id",
      colocateWith: "codes_route_minutes",
      partitioned: true,
    },
  },
  codes_api_minutes: {
    table: schema.codesApiMinutes,
    distribution: { kind: "distributed", column: "api_id", colocateWith: "none", partitioned: true },
  },
  codes_api_hours: {
    table: schema.codesApiHours,
    distribution: {
      kind: "distributed",
      column: "api_id",
      colocateWith: "codes_api_minutes",
      partitioned: true,
    },
  },
  // The big one: consumer pages (Vitals by_consumer_and_route takes a consumer id) are router queries.
  codes_consumer_route_minutes: {
    table: schema.codesConsumerRouteMinutes,
    distribution: { kind: "distributed", column: "consumer_id", colocateWith: "none", partitioned: true },
  },
  codes_consumer_route_hours: {
    table: schema.codesConsumerRouteHours,
    distribution: {
      kind: "distributed",
      column: "consumer_id",
      colocateWith: "codes_consumer_route_minutes",
      partitioned: true,
    },
  },
  entity_traffic_minutes: {
    table: schema.entityTrafficMinutes,
    distribution: { kind: "distributed", column: "entity_id", colocateWith: "none", partitioned: true },
  },
  entity_traffic_hours: {
    table: schema.entityTrafficHours,
    distribution: {
      kind: "distributed",
      column: "entity_id",
      colocateWith: "entity_traffic_minutes",
      partitioned: true,
    },
  },
  entity_traffic_tens: {
    table: schema.entityTrafficTens,
    distribution: {
      kind: "distributed",
      column: "entity_id",
      colocateWith: "entity_traffic_minutes",
      partitioned: true,
    },
  },
  ingest_batches: {
    table: schema.ingestBatches,
    distribution: { kind: "distributed", column: "batch_id", colocateWith: "none", partitioned: false },
  },
  // Cumulative counters: a synthetic series id spreads evenly; /metrics is a full scan anyway.
  prometheus_requests: {
    table: schema.prometheusRequests,
    distribution: { kind: "distributed", column: "series_id", colocateWith: "none", partitioned: false },
  },
  prometheus_latency: {
    table: schema.prometheusLatency,
    distribution: {
      kind: "distributed",
      column: "series_id",
      colocateWith: "prometheus_requests",
      partitioned: false,
    },
  },
  rollup_hour_folds: {
    table: schema.rollupHourFolds,
    distribution: local("coordinator bookkeeping"),
  },
  statsd_delivery: {
    table: schema.statsdDelivery,
    distribution: local("one small row per plugin and process"),
  },
  // Entities: small, joined everywhere, unique names; never written per batch (R11).
  workspaces: { table: schema.workspaces, distribution: { kind: "reference" } },
  services: { table: schema.services, distribution: { kind: "reference" } },
  routes: { table: schema.routes, distribution: { kind: "reference" } },
  consumers: { table: schema.consumers, distribution: { kind: "reference" } },
  apis: { table: schema.apis, distribution: { kind: "reference" } },
  nodes: { table: schema.nodes, distribution: { kind: "reference" } },
  plugins: { table: schema.plugins, distribution: { kind: "reference" } },
  config_version: { table: schema.configVersion, distribution: { kind: "reference" } },
};

/** The idempotent SQL a Citus coordinator runs once after the migrations (documented in docs/scaling.md). */
export function distributeSql(): string {
  const lines = [
    "-- Gatewatch on Citus: run once on the coordinator after `npm run db:migrate`.",
    "-- Keep citus.enable_deadlock_prevention on (the default); see docs/scaling.md.",
    "BEGIN;",
  ];
  const ordered = Object.entries(DISTRIBUTION).sort(
    ([, a], [, b]) => rank(a.distribution) - rank(b.distribution),
  );
  for (const [name, { distribution: d }] of ordered) {
    if (d.kind === "reference")
      lines.push(
        `SELECT create_reference_table('${name}') WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = '${name}'::regclass);`,
      );
    else if (d.kind === "distributed")
      lines.push(
        `SELECT create_distributed_table('${name}', '${d.column}', colocate_with => '${d.colocateWith}') WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = '${name}'::regclass);`,
      );
    else lines.push(`-- ${name}: stays local on the coordinator (${d.reason})`);
  }
  lines.push("COMMIT;");
  return `${lines.join("\n")}\n`;
}

function rank(d: Distribution): number {
  if (d.kind === "reference") return 0;
  if (d.kind === "distributed") return d.colocateWith === "none" ? 1 : 2;
  return 3;
}
