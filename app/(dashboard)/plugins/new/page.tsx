import type { Metadata } from "next";
import Link from "next/link";
import { PluginPicker } from "@/components/plugins/plugin-picker";
import { lockedScopeFrom, type ScopeSearchParams } from "@/components/plugins/plugin-scope-params";
import { ScopeLabel } from "@/components/plugins/scope-label";

export const metadata: Metadata = { title: "Add plugin" };

export default async function NewPluginPage({ searchParams }: { searchParams: Promise<ScopeSearchParams> }) {
  const lockedScope = lockedScopeFrom(await searchParams);
  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-1">
        <nav aria-label="Breadcrumb" className="text-sm text-muted">
          <Link href="/plugins" className="hover:text-foreground">
            Plugins
          </Link>{" "}
          / Add plugin
        </nav>
        <h1 className="text-xl font-semibold">Add plugin</h1>
        <p className="text-sm text-muted">
          Choose the plugin to enable
          {lockedScope ? (
            <>
              {" "}
              for <ScopeLabel refs={{ [lockedScope.kind]: { id: lockedScope.id } }} link />
            </>
          ) : null}
          .
        </p>
      </header>
      <PluginPicker lockedScope={lockedScope} />
    </div>
  );
}
