import type { Metadata } from "next";
import { EntityFormHeader } from "@/components/entities/entity-edit-view";
import { EntityForm } from "@/components/entities/entity-form";

export const metadata: Metadata = { title: "New consumer" };

export default function NewConsumerPage() {
  return (
    <div className="flex flex-col gap-6">
      <EntityFormHeader kind="consumer" title="New consumer" trail="New" />
      <EntityForm kind="consumer" />
    </div>
  );
}
