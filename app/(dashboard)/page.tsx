import type { SearchParams } from "nuqs/server";
import { healthInput, overlayInput, summaryInput } from "@/components/dashboard/inputs";
import { OverviewView } from "@/components/dashboard/overview-view";
import { loadDashboardParams, rangeFromParams } from "@/lib/search-params";
import { getQueryClient, HydrateClient, trpc } from "@/server/rsc";

export const dynamic = "force-dynamic";

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await loadDashboardParams(searchParams);
  const range = rangeFromParams(params);
  const qc = getQueryClient();
  void qc.prefetchQuery(trpc.dashboard.summary.queryOptions(summaryInput(range)));
  void qc.prefetchQuery(trpc.dashboard.health.queryOptions(healthInput(range)));
  for (const nodeId of params.node)
    void qc.prefetchQuery(trpc.dashboard.overlay.queryOptions(overlayInput(range, nodeId)));
  void qc.prefetchQuery(trpc.dashboard.nodes.queryOptions({ range }));
  return (
    <HydrateClient>
      <OverviewView />
    </HydrateClient>
  );
}
