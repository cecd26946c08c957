import type { Db } from "@/db/client";
import type { IngestObserver } from "@/server/services/ingest/observer";
import type { IngestBatch } from "@/server/services/ingest/types";
import { getPluginResolver } from "@/server/services/plugins/precedence";
import { aggregateBatches, writeCounters } from "./counters";

/**
 * Counts the traffic of a transaction's batches into the Prometheus counters inside that transaction, so the
 * counters are committed exactly once with the rollups; one sorted write for all of them (a group commit's
 * batches each written apart would lock rows out of order). Only traffic covered by an enabled prometheus instance counts
 * (Kong's precedence picks one instance per request, kong-plugins §1f), from the moment it was enabled:
 * the instance set is read in the same transaction.
 */
export async function countBatches(tx: Db, batches: readonly IngestBatch[]): Promise<void> {
  const resolver = await getPluginResolver(tx);
  if (resolver.enabled("prometheus").length === 0) return;
  const counters = aggregateBatches(batches, (e) =>
    resolver.resolve("prometheus", {
      serviceId: e.serviceId,
      routeId: e.routeId,
      consumerId: e.consumerId,
      apiId: e.apiId,
    }),
  );
  await writeCounters(tx, counters);
}

export const prometheusObserver: IngestObserver = {
  name: "prometheus",
  inTransaction: countBatches,
};
