import type { Metadata } from "next";
import { EntityFormHeader } from "@/components/entities/entity-edit-view";
import { EntityForm } from "@/components/entities/entity-form";

export const metadata: Metadata = { title: "New service" };

export default function NewServicePage() {
  return (
    <div className="flex flex-col gap-6">
      <EntityFormHeader kind="service" title="New service" trail="New" />
      <EntityForm kind="service" />
    </div>
  );
}
