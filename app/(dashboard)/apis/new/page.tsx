import type { Metadata } from "next";
import { EntityFormHeader } from "@/components/entities/entity-edit-view";
import { EntityForm } from "@/components/entities/entity-form";

export const metadata: Metadata = { title: "New API" };

export default function NewApiPage() {
  return (
    <div className="flex flex-col gap-6">
      <EntityFormHeader kind="api" title="New API" trail="New" />
      <EntityForm kind="api" />
    </div>
  );
}
