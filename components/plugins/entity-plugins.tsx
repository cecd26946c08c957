"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ENTITY_META, type EntityKind } from "@/components/entities/entity-kinds";
import { buttonClass } from "@/components/ui/button";
import { StatePanel } from "@/components/ui/state-panel";
import { useTRPC } from "@/lib/trpc/client";
import { PluginsTable } from "./plugins-table";

/** The plugins scoped to one entity, with enable switches and an "Add plugin" button locked to that scope. */
export function EntityPlugins({ kind, entityId }: { kind: EntityKind; entityId: string }) {
  const trpc = useTRPC();
  const meta = ENTITY_META[kind];
  const list = useQuery(trpc.plugins.list.queryOptions({ [`${kind}Id`]: entityId }));
  const rows = list.data?.data ?? [];
  return (
    <section aria-labelledby="entity-plugins-heading" className="flex flex-col gap-3">
      <div className="flex items-center justify-between">
        <h2 id="entity-plugins-heading" className="text-base font-semibold">
          Plugins
        </h2>
        <Link
          href={`/plugins/new?${meta.queryParam}=${encodeURIComponent(entityId)}`}
          className={buttonClass("primary")}
        >
          Add plugin
        </Link>
      </div>
      <StatePanel
        isLoading={list.isLoading}
        error={list.error}
        isEmpty={rows.length === 0}
        emptyText={`No plugin is scoped to this ${meta.noun}.`}
        minHeight={72}
      >
        <PluginsTable plugins={rows} caption={`Plugins of this ${meta.noun}`} />
      </StatePanel>
    </section>
  );
}
