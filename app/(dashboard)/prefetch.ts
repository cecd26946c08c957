import "server-only";
import { consumerRoutesInput } from "@/components/dashboard/inputs";
import type { EntityKind } from "@/components/dashboard/types";
import type { RangeInput } from "@/lib/time-range";
import { getQueryClient, trpc } from "@/server/rsc";

/**
 * Server prefetches shared by the dashboard pages; the client views build the same inputs (inputs.ts),
 * so hydration hits the cache. Started here, awaited together by HydrateClient (server/rsc.tsx).
 */
export function prefetchEntityList(kind: EntityKind, range: RangeInput) {
  void getQueryClient().prefetchQuery(trpc.dashboard.entities.queryOptions({ range, kind }));
}

export function prefetchEntityDetail(kind: EntityKind, id: string, range: RangeInput) {
  const qc = getQueryClient();
  void qc.prefetchQuery(trpc.dashboard.entity.queryOptions({ kind, id }));
  void qc.prefetchQuery(trpc.dashboard.statusCodes.queryOptions({ range, entity: { kind, id } }));
  void qc.prefetchQuery(trpc.dashboard.entities.queryOptions({ range, kind }));
  const pairs = consumerRoutesInput(kind, id, range);
  if (pairs) void qc.prefetchQuery(trpc.dashboard.consumerRoutes.queryOptions(pairs.input));
}
