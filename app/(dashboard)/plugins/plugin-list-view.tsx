"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useQueryStates } from "nuqs";
import { useId } from "react";
import { inputClass } from "@/components/forms/styles";
import { PluginsTable } from "@/components/plugins/plugins-table";
import { buttonClass } from "@/components/ui/button";
import { StatePanel } from "@/components/ui/state-panel";
import { isPluginName, PLUGIN_NAMES } from "@/lib/plugins";
import { useTRPC } from "@/lib/trpc/client";
import { PLUGIN_SCOPE_FILTERS, pluginListInput, pluginListParams } from "./search-params";

const SCOPE_LABELS = {
  all: "All scopes",
  global: "Global",
  service: "Services",
  route: "Routes",
  consumer: "Consumers",
  api: "APIs",
} as const;

/** Every plugin instance, filtered by name and scope through the URL. */
export function PluginListView() {
  const trpc = useTRPC();
  const [params, setParams] = useQueryStates(pluginListParams);
  const id = useId();
  const list = useQuery(trpc.plugins.list.queryOptions(pluginListInput(params)));
  const rows = list.data?.data ?? [];
  return (
    <div className="flex flex-col gap-5">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Plugins</h1>
          <p className="text-sm text-muted">Prometheus and StatsD instances, globally or per entity.</p>
        </div>
        <Link href="/plugins/new" className={buttonClass("primary")}>
          Add plugin
        </Link>
      </header>
      <search className="flex flex-wrap items-end gap-3">
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-name`} className="text-xs font-medium text-muted">
            Plugin
          </label>
          <select
            id={`${id}-name`}
            className={`${inputClass} w-44`}
            value={params.name ?? ""}
            onChange={(e) => setParams({ name: isPluginName(e.target.value) ? e.target.value : null })}
          >
            <option value="">All plugins</option>
            {PLUGIN_NAMES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-scope`} className="text-xs font-medium text-muted">
            Scope
          </label>
          <select
            id={`${id}-scope`}
            className={`${inputClass} w-44`}
            value={params.scope}
            onChange={(e) => setParams({ scope: e.target.value as (typeof PLUGIN_SCOPE_FILTERS)[number] })}
          >
            {PLUGIN_SCOPE_FILTERS.map((s) => (
              <option key={s} value={s}>
                {SCOPE_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
      </search>
      <StatePanel
        isLoading={list.isLoading}
        error={list.error}
        isEmpty={rows.length === 0}
        emptyText={
          params.name || params.scope !== "all"
            ? "No plugin matches these filters."
            : "No plugins yet. Add one to start."
        }
      >
        <PluginsTable plugins={rows} caption="Plugin instances" />
      </StatePanel>
    </div>
  );
}
