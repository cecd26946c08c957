"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { StatePanel } from "@/components/ui/state-panel";
import { useTRPC } from "@/lib/trpc/client";
import { EntityForm } from "./entity-form";
import { API_KIND, ENTITY_META, type EntityKind, entityDisplayName, entityHref } from "./entity-kinds";

/** The edit page's view: loads the entity (prefetched on the server) and shows its form. */
export function EntityEditView({ kind, id }: { kind: EntityKind; id: string }) {
  const trpc = useTRPC();
  const entity = useQuery(trpc.entities.get.queryOptions({ kind: API_KIND[kind], id }));
  const meta = ENTITY_META[kind];
  const name = entity.data ? entityDisplayName(kind, entity.data) : id;
  return (
    <div className="flex flex-col gap-6">
      <EntityFormHeader
        kind={kind}
        title={`Edit ${meta.noun}: ${name}`}
        trail={
          <>
            <Link href={entityHref(kind, id)} className="hover:text-foreground">
              {name}
            </Link>{" "}
            / Edit
          </>
        }
      />
      <StatePanel isLoading={entity.isLoading} error={entity.error}>
        {entity.data ? <EntityForm kind={kind} entity={entity.data} /> : null}
      </StatePanel>
    </div>
  );
}

export function EntityFormHeader({
  kind,
  title,
  trail,
}: {
  kind: EntityKind;
  title: string;
  trail: ReactNode;
}) {
  const meta = ENTITY_META[kind];
  return (
    <header className="flex flex-col gap-1">
      <nav aria-label="Breadcrumb" className="text-sm text-muted">
        <Link href={`/${meta.segment}`} className="hover:text-foreground">
          {meta.plural}
        </Link>{" "}
        / {trail}
      </nav>
      <h1 className="text-xl font-semibold">{title}</h1>
    </header>
  );
}
