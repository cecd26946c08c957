import type { Metadata } from "next";
import { EntityEditView } from "@/components/entities/entity-edit-view";
import { getQueryClient, HydrateClient, trpc } from "@/server/rsc";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Edit API" };

export default async function EditApiPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  void getQueryClient().prefetchQuery(trpc.entities.get.queryOptions({ kind: "apis", id }));
  return (
    <HydrateClient>
      <EntityEditView kind="api" id={id} />
    </HydrateClient>
  );
}
