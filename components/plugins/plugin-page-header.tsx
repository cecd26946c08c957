import type { ReactNode } from "react";
import type { EntityKind } from "@/components/entities/entity-kinds";
import { ScopeLabel } from "./scope-label";

/** "New Plugin: statsd" / "Edit Plugin: statsd" with Kong's documentation link (Kong Manager §2.2). */
export function PluginPageHeader({
  title,
  name,
  breadcrumb,
  scope,
}: {
  title: string;
  name: string;
  breadcrumb: ReactNode;
  scope?: { kind: EntityKind; id: string };
}) {
  return (
    <header className="flex flex-col gap-1">
      <nav aria-label="Breadcrumb" className="text-sm text-muted">
        {breadcrumb}
      </nav>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-xl font-semibold">{title}</h1>
        <a
          href={`https://docs.konghq.com/hub/kong-inc/${name}/`}
          target="_blank"
          rel="noreferrer"
          className="text-sm text-accent hover:underline"
        >
          View documentation
        </a>
      </div>
      {scope ? (
        <p className="text-sm text-muted">
          For <ScopeLabel refs={{ [scope.kind]: { id: scope.id } }} link />
        </p>
      ) : null}
    </header>
  );
}
