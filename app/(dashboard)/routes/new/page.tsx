import type { Metadata } from "next";
import { EntityFormHeader } from "@/components/entities/entity-edit-view";
import { EntityForm } from "@/components/entities/entity-form";

export const metadata: Metadata = { title: "New route" };

export default async function NewRoutePage({
  searchParams,
}: {
  searchParams: Promise<{ serviceId?: string }>;
}) {
  const { serviceId } = await searchParams;
  return (
    <div className="flex flex-col gap-6">
      <EntityFormHeader kind="route" title="New route" trail="New" />
      <EntityForm kind="route" preset={serviceId ? { service: { id: serviceId } } : undefined} />
    </div>
  );
}
