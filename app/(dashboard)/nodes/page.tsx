import type { SearchParams } from "nuqs/server";
import { NodesView } from "@/components/dashboard/nodes-view";
import { loadDashboardParams, rangeFromParams } from "@/lib/search-params";
import { getQueryClient, HydrateClient, trpc } from "@/server/rsc";

export const dynamic = "force-dynamic";

export default async function NodesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const range = rangeFromParams(await loadDashboardParams(searchParams));
  void getQueryClient().prefetchQuery(trpc.dashboard.nodes.queryOptions({ range }));
  return (
    <HydrateClient>
      <NodesView />
    </HydrateClient>
  );
}
