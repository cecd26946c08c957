import type { Metadata } from "next";
import { getQueryClient, HydrateClient, trpc } from "@/server/rsc";
import { PluginDetailView } from "./plugin-detail-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Plugin" };

export default async function PluginPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  void getQueryClient().prefetchQuery(trpc.plugins.get.queryOptions({ id }));
  return (
    <HydrateClient>
      <PluginDetailView id={id} />
    </HydrateClient>
  );
}
