import type { SearchParams } from "nuqs/server";
import { healthInput, summaryInput } from "@/components/dashboard/inputs";
import { NodeView } from "@/components/dashboard/node-view";
import { loadDashboardParams, rangeFromParams } from "@/lib/search-params";
import { getQueryClient, HydrateClient, trpc } from "@/server/rsc";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> };

export default async function NodePage({ params, searchParams }: Props) {
  const { id } = await params;
  const range = rangeFromParams(await loadDashboardParams(searchParams));
  const qc = getQueryClient();
  void qc.prefetchQuery(trpc.dashboard.entity.queryOptions({ kind: "node", id }));
  void qc.prefetchQuery(trpc.dashboard.summary.queryOptions(summaryInput(range, id)));
  void qc.prefetchQuery(trpc.dashboard.health.queryOptions(healthInput(range, id)));
  void qc.prefetchQuery(trpc.dashboard.statusCodes.queryOptions({ range, entity: { kind: "node", id } }));
  return (
    <HydrateClient>
      <NodeView id={id} />
    </HydrateClient>
  );
}
