import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PluginForm } from "@/components/plugins/plugin-form";
import { newPluginValues } from "@/components/plugins/plugin-form-model";
import { PluginPageHeader } from "@/components/plugins/plugin-page-header";
import { lockedScopeFrom, type ScopeSearchParams } from "@/components/plugins/plugin-scope-params";
import { isPluginName } from "@/lib/plugins";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `New Plugin: ${(await params).name}` };
}

export default async function NewPluginFormPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<ScopeSearchParams>;
}) {
  const { name } = await params;
  if (!isPluginName(name)) notFound();
  const lockedScope = lockedScopeFrom(await searchParams);
  const defaults = newPluginValues(name, lockedScope ? { [lockedScope.kind]: lockedScope.id } : {});
  return (
    <div className="flex flex-col gap-6">
      <PluginPageHeader
        title={`New Plugin: ${name}`}
        name={name}
        breadcrumb={
          <>
            <Link href="/plugins" className="hover:text-foreground">
              Plugins
            </Link>{" "}
            /{" "}
            <Link
              href={`/plugins/new${lockedScope ? `?${new URLSearchParams({ [`${lockedScope.kind}Id`]: lockedScope.id })}` : ""}`}
              className="hover:text-foreground"
            >
              Add plugin
            </Link>{" "}
            / {name}
          </>
        }
        scope={lockedScope}
      />
      <PluginForm mode="create" name={name} defaultValues={defaults} lockedScope={lockedScope} />
    </div>
  );
}
