import type { SearchParams } from "nuqs/server";
import { EntityDetailView } from "@/components/dashboard/entity-detail-view";
import { EntityActions } from "@/components/entities/entity-actions";
import { EntityPlugins } from "@/components/plugins/entity-plugins";
import { loadDashboardParams, rangeFromParams } from "@/lib/search-params";
import { HydrateClient } from "@/server/rsc";
import { prefetchEntityDetail } from "../../prefetch";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> };

export default async function RouteDetailPage({ params, searchParams }: Props) {
  const { id } = await params;
  prefetchEntityDetail("route", id, rangeFromParams(await loadDashboardParams(searchParams)));
  return (
    <HydrateClient>
      <EntityDetailView kind="route" id={id} actions={<EntityActions kind="route" entityId={id} />} />
      <div className="mt-6">
        <EntityPlugins kind="route" entityId={id} />
      </div>
    </HydrateClient>
  );
}
