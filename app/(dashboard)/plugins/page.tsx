import type { Metadata } from "next";
import type { SearchParams } from "nuqs/server";
import { getQueryClient, HydrateClient, trpc } from "@/server/rsc";
import { PluginListView } from "./plugin-list-view";
import { loadPluginListParams, pluginListInput } from "./search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Plugins" };

export default async function PluginsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await loadPluginListParams(searchParams);
  void getQueryClient().prefetchQuery(trpc.plugins.list.queryOptions(pluginListInput(params)));
  return (
    <HydrateClient>
      <PluginListView />
    </HydrateClient>
  );
}
