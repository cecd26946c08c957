import type { SearchParams } from "nuqs/server";
import { EntityListView } from "@/components/dashboard/entity-list-view";
import { loadDashboardParams, rangeFromParams } from "@/lib/search-params";
import { HydrateClient } from "@/server/rsc";
import { prefetchEntityList } from "../prefetch";

export const dynamic = "force-dynamic";

export default async function ServiceListPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  prefetchEntityList("service", rangeFromParams(await loadDashboardParams(searchParams)));
  return (
    <HydrateClient>
      <EntityListView kind="service" />
    </HydrateClient>
  );
}
