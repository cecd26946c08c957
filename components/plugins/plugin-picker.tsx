import Link from "next/link";
import type { EntityKind } from "@/components/entities/entity-kinds";
import { PLUGIN_DEFINITIONS, PLUGIN_NAMES } from "@/lib/plugins";
import { scopeQueryString } from "./plugin-scope-params";

const TITLES = { prometheus: "Prometheus", statsd: "StatsD" } as const;
const CATEGORY = "Analytics & Monitoring";

/** Kong Manager's plugin picker: the plugins Gatewatch can run, with the scope carried through. */
export function PluginPicker({ lockedScope }: { lockedScope?: { kind: EntityKind; id: string } }) {
  const query = scopeQueryString(lockedScope);
  return (
    <section aria-labelledby="picker-category" className="flex flex-col gap-3">
      <h2 id="picker-category" className="text-sm font-semibold uppercase tracking-wide text-muted">
        {CATEGORY}
      </h2>
      <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {PLUGIN_NAMES.map((name) => (
          <li key={name}>
            <Link
              href={`/plugins/new/${name}${query}`}
              className="flex h-full flex-col gap-2 rounded-lg border border-border bg-surface p-4 hover:border-accent focus-visible:border-accent"
            >
              <span className="flex items-center justify-between">
                <span className="text-base font-semibold text-foreground">{TITLES[name]}</span>
                <span className="font-mono text-xs text-muted">{name}</span>
              </span>
              <span className="text-sm text-muted">{PLUGIN_DEFINITIONS[name].description}</span>
              <span className="mt-auto text-sm font-medium text-accent">Enable {TITLES[name]} →</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function pluginTitle(name: string): string {
  return (TITLES as Record<string, string>)[name] ?? name;
}
