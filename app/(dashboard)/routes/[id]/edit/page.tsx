import type { Metadata } from "next";
import { EntityEditView } from "@/components/entities/entity-edit-view";
import { getQueryClient, HydrateClient, trpc } from "@/server/rsc";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Edit route" };

export default async function EditRoutePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  void getQueryClient().prefetchQuery(trpc.entities.get.queryOptions({ kind: "routes", id }));
  return (
    <HydrateClient>
      <EntityEditView kind="route" id={id} />
    </HydrateClient>
  );
}
