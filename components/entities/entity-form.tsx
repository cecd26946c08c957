"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormProvider, useForm } from "react-hook-form";
import { type BannerIssue, ErrorBanner } from "@/components/forms/error-banner";
import { flattenKongFields, issuesFromPaths, type KongFieldTree } from "@/components/forms/kong-field-errors";
import { toast } from "@/components/forms/toast";
import { buttonClass } from "@/components/ui/button";
import { useTRPC } from "@/lib/trpc/client";
import { EntityFields } from "./entity-fields";
import { ENTITY_FORM_DEFAULTS, entityResolver, entityToValues, toEntityBody } from "./entity-form-model";
import { API_KIND, ENTITY_META, type EntityKind, entityDisplayName, entityHref } from "./entity-kinds";

/** Fields that sit under "additional settings", so an error there opens the section. */
const ADVANCED: Record<EntityKind, readonly string[]> = {
  service: ["retries", "connect_timeout", "write_timeout", "read_timeout", "tags"],
  route: ["strip_path", "preserve_host", "regex_priority", "https_redirect_status_code", "tags"],
  consumer: [],
  api: [
    "strip_uri",
    "preserve_host",
    "https_only",
    "http_if_terminated",
    "retries",
    "upstream_connect_timeout",
    "upstream_send_timeout",
    "upstream_read_timeout",
  ],
};

type EntityFormProps = {
  kind: EntityKind;
  /** The stored entity (Kong JSON) when editing. */
  entity?: Record<string, unknown>;
  /** Preset values for a new entity, e.g. a route's service. */
  preset?: Record<string, unknown>;
};

/** Create or edit a service, route, consumer or legacy API, with Kong's errors inline. */
export function EntityForm({ kind, entity, preset }: EntityFormProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const editing = Boolean(entity);
  const form = useForm({
    defaultValues: entity ? entityToValues(kind, entity) : { ...ENTITY_FORM_DEFAULTS[kind], ...preset },
    resolver: entityResolver(kind),
  });
  const { handleSubmit, setError, formState } = form;
  const [serverError, setServerError] = useState<{ title: string; issues: BannerIssue[] } | null>(null);
  const create = useMutation(trpc.entities.create.mutationOptions());
  const update = useMutation(trpc.entities.update.mutationOptions());
  const pending = create.isPending || update.isPending;
  const label = ENTITY_META[kind].label;

  const onSubmit = handleSubmit(async (values) => {
    setServerError(null);
    const body = toEntityBody(values);
    try {
      const saved = entity
        ? await update.mutateAsync({ kind: API_KIND[kind], id: String(entity.id), patch: body })
        : await create.mutateAsync({ kind: API_KIND[kind], body });
      toast(`${label} ${entityDisplayName(kind, saved)} ${entity ? "updated" : "created"}`);
      await queryClient.invalidateQueries({ queryKey: trpc.entities.pathKey() });
      router.push(entityHref(kind, String(saved.id)));
    } catch (err) {
      if (!(err instanceof TRPCClientError)) throw err;
      const data = err.data as
        | { fields?: KongFieldTree; issues?: { path: string; message: string }[] }
        | undefined;
      const issues = data?.fields ? flattenKongFields(data.fields) : issuesFromPaths(data?.issues ?? []);
      for (const issue of issues) setError(issue.name, { type: "server", message: issue.message });
      setServerError({ title: err.message, issues: issues.map(({ path, message }) => ({ path, message })) });
    }
  });

  const advancedHasErrors = ADVANCED[kind].some((f) => f in formState.errors);

  return (
    <FormProvider {...form}>
      <form
        onSubmit={onSubmit}
        noValidate
        aria-label={`${editing ? "Edit" : "New"} ${ENTITY_META[kind].noun}`}
        className="flex max-w-3xl flex-col gap-5"
      >
        {serverError ? (
          <ErrorBanner title={serverError.title} issues={serverError.issues} />
        ) : formState.errors.root?.message ? (
          <ErrorBanner title={formState.errors.root.message} />
        ) : null}
        <div className="flex flex-col gap-4 rounded-lg border border-border bg-surface p-5">
          <EntityFields kind={kind} advancedHasErrors={advancedHasErrors} />
        </div>
        <div className="flex items-center gap-2">
          <button
            type="submit"
            className={buttonClass("primary")}
            disabled={pending || (editing && !formState.isDirty)}
          >
            {pending ? "Saving…" : editing ? "Save" : `Create ${ENTITY_META[kind].noun}`}
          </button>
          <Link
            href={entity ? entityHref(kind, String(entity.id)) : `/${ENTITY_META[kind].segment}`}
            className={buttonClass()}
          >
            Cancel
          </Link>
        </div>
      </form>
    </FormProvider>
  );
}
