"use client";

import Link from "next/link";
import type { EntityKind } from "@/components/entities/entity-kinds";
import { EnabledToggle } from "./enabled-toggle";
import { ScopeLabel } from "./scope-label";

export type PluginRow = {
  id: string;
  name: string;
  instance_name: string | null;
  enabled: boolean;
  updated_at: number;
} & Partial<Record<EntityKind, { id: string } | null>>;

const formatter = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** Plugin instances: name, scope, enabled switch, last update. */
export function PluginsTable({
  plugins,
  caption,
  showScope = true,
}: {
  plugins: PluginRow[];
  caption: string;
  showScope?: boolean;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-border bg-surface">
      <table className="w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-border text-left text-xs uppercase tracking-wide text-muted">
          <tr>
            <th scope="col" className="px-4 py-2.5 font-medium">
              Plugin
            </th>
            {showScope ? (
              <th scope="col" className="px-4 py-2.5 font-medium">
                Applied to
              </th>
            ) : null}
            <th scope="col" className="px-4 py-2.5 font-medium">
              Enabled
            </th>
            <th scope="col" className="px-4 py-2.5 font-medium">
              Updated
            </th>
          </tr>
        </thead>
        <tbody>
          {plugins.map((p) => (
            <tr key={p.id} className="border-b border-border last:border-0" data-plugin-id={p.id}>
              <td className="px-4 py-2.5">
                <Link href={`/plugins/${p.id}`} className="font-medium text-accent hover:underline">
                  {p.name}
                </Link>
                {p.instance_name ? <span className="ml-2 text-xs text-muted">{p.instance_name}</span> : null}
              </td>
              {showScope ? (
                <td className="px-4 py-2.5">
                  <ScopeLabel refs={p} />
                </td>
              ) : null}
              <td className="px-4 py-2.5">
                <EnabledToggle pluginId={p.id} enabled={p.enabled} label={p.instance_name ?? p.name} />
              </td>
              <td className="px-4 py-2.5 text-muted">
                <time dateTime={new Date(p.updated_at * 1000).toISOString()} suppressHydrationWarning>
                  {formatter.format(new Date(p.updated_at * 1000))}
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
