import type { Metadata } from "next";
import { EntityEditView } from "@/components/entities/entity-edit-view";
import { getQueryClient, HydrateClient, trpc } from "@/server/rsc";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Edit consumer" };

export default async function EditConsumerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  void getQueryClient().prefetchQuery(trpc.entities.get.queryOptions({ kind: "consumers", id }));
  return (
    <HydrateClient>
      <EntityEditView kind="consumer" id={id} />
    </HydrateClient>
  );
}
