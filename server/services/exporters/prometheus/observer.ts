import type { Db } from "@/db/client";
import type { IngestObserver } from "@/server/services/ingest/observer";
import type { IngestBatch } from "@/server/services/ingest/types";
import { getPluginResolver } from "@/server/services/plugins/precedence";
import { aggregateBatch, writeCounters } from "./counters";

/**
 * Counts a batch's traffic into the Prometheus counters inside the batch transaction, so the counters are
 * committed exactly once with the rollups. Only traffic covered by an enabled prometheus instance counts
 * (Kong's precedence picks one instance per request, kong-plugins §1f), from the moment it was enabled:
 * the instance set is read in the same transaction.
 */
export async function countBatch(tx: Db, batch: IngestBatch): Promise<void> {
  const resolver = await getPluginResolver(tx);
  if (resolver.enabled("prometheus").length === 0) return;
  const counters = aggregateBatch(batch, (e) =>
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
  inTransaction: countBatch,
};
