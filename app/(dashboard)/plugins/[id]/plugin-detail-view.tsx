"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { EnabledToggle } from "@/components/plugins/enabled-toggle";
import { PluginForm } from "@/components/plugins/plugin-form";
import { pluginToValues } from "@/components/plugins/plugin-form-model";
import { PluginPageHeader } from "@/components/plugins/plugin-page-header";
import { ScopeLabel } from "@/components/plugins/scope-label";
import { StatsdDelivery } from "@/components/plugins/statsd-delivery";
import { StatePanel } from "@/components/ui/state-panel";
import { isPluginName } from "@/lib/plugins";
import { useTRPC } from "@/lib/trpc/client";

/** One plugin instance: its scope and state, StatsD delivery health, and the edit form. */
export function PluginDetailView({ id }: { id: string }) {
  const trpc = useTRPC();
  const plugin = useQuery(trpc.plugins.get.queryOptions({ id }));
  const p = plugin.data;
  return (
    <div className="flex flex-col gap-6">
      <PluginPageHeader
        title={`Edit Plugin: ${p?.name ?? "…"}`}
        name={p?.name ?? ""}
        breadcrumb={
          <>
            <Link href="/plugins" className="hover:text-foreground">
              Plugins
            </Link>{" "}
            / {p?.instance_name ?? p?.name ?? id}
          </>
        }
      />
      <StatePanel isLoading={plugin.isLoading} error={plugin.error}>
        {p ? (
          <>
            <dl className="grid max-w-6xl grid-cols-1 gap-4 rounded-lg border border-border bg-surface p-5 text-sm sm:grid-cols-3">
              <div>
                <dt className="text-xs uppercase tracking-wide text-muted">Applied to</dt>
                <dd className="mt-1">
                  <ScopeLabel refs={p} link />
                </dd>
              </div>
              <div>
                <dt className="text-xs uppercase tracking-wide text-muted">Enabled</dt>
                <dd className="mt-1">
                  <EnabledToggle pluginId={p.id} enabled={p.enabled} label={p.instance_name ?? p.name} />
                </dd>
              </div>
              <div>
                <dt className="text-xs uppercase tracking-wide text-muted">ID</dt>
                <dd className="mt-1 font-mono text-xs">{p.id}</dd>
              </div>
            </dl>
            {p.name === "statsd" ? <StatsdDelivery pluginId={p.id} /> : null}
            {isPluginName(p.name) ? (
              <PluginForm
                // A fresh form when the stored plugin changes (e.g. the toggle above), so isDirty stays honest.
                key={`${p.id}:${p.updated_at}:${p.enabled}`}
                mode="edit"
                name={p.name}
                pluginId={p.id}
                defaultValues={pluginToValues(p.name, p)}
              />
            ) : (
              <p className="text-sm text-muted">Gatewatch cannot configure the {p.name} plugin.</p>
            )}
          </>
        ) : null}
      </StatePanel>
    </div>
  );
}
