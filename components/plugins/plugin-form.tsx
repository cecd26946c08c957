"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type ReactNode, useMemo, useState, useSyncExternalStore } from "react";
import { FormProvider, useForm, useWatch } from "react-hook-form";
import { type EntityKind, entityHref } from "@/components/entities/entity-kinds";
import { Collapsible } from "@/components/forms/collapsible";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { type BannerIssue, ErrorBanner } from "@/components/forms/error-banner";
import { CheckboxGroupInput, StringListInput, SwitchInput, TextInput } from "@/components/forms/form-fields";
import { flattenKongFields, issuesFromPaths, type KongFieldTree } from "@/components/forms/kong-field-errors";
import { dangerButtonClass } from "@/components/forms/styles";
import { toast } from "@/components/forms/toast";
import { buttonClass } from "@/components/ui/button";
import { PLUGIN_PROTOCOLS, type PluginName } from "@/lib/plugins";
import { useTRPC } from "@/lib/trpc/client";
import { AdminApiPreview } from "./admin-api-preview";
import {
  adminApiRequest,
  curlCommand,
  type PluginFormValues,
  pluginResolver,
  SCOPE_KINDS,
  toPluginBody,
} from "./plugin-form-model";
import { PrometheusConfigFields } from "./prometheus-config-fields";
import { ScopeFields } from "./scope-fields";
import { StatsdAdvancedFields, StatsdRequiredFields } from "./statsd-config-fields";

type PluginFormProps =
  | {
      mode: "create";
      name: PluginName;
      defaultValues: PluginFormValues;
      /** The entity page this form was opened from: scope locked, and we go back there after saving. */
      lockedScope?: { kind: EntityKind; id: string };
    }
  | { mode: "edit"; name: PluginName; defaultValues: PluginFormValues; pluginId: string };

type ServerError = { title: string; issues: BannerIssue[] };

const subscribeNoop = () => () => {};

/** Create or edit one plugin instance: scope, general settings, the plugin's config, and its Admin API twin. */
export function PluginForm(props: PluginFormProps) {
  const { name } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const lockedKind = props.mode === "create" ? props.lockedScope?.kind : undefined;
  const form = useForm<PluginFormValues>({
    defaultValues: props.defaultValues,
    resolver: pluginResolver(name),
  });
  const { handleSubmit, setError, formState, control, reset } = form;
  const [scopeMode, setScopeMode] = useState<"global" | "scoped">(() =>
    SCOPE_KINDS.some((k) => props.defaultValues[k]) ? "scoped" : "global",
  );
  const [serverError, setServerError] = useState<ServerError | null>(null);
  const [showPreview, setShowPreview] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const origin = useSyncExternalStore(
    subscribeNoop,
    () => window.location.origin,
    () => "http://localhost:3000",
  );

  const create = useMutation(trpc.plugins.create.mutationOptions());
  const update = useMutation(trpc.plugins.update.mutationOptions());
  const remove = useMutation(trpc.plugins.delete.mutationOptions());
  const pending = create.isPending || update.isPending;

  const values = useWatch({ control }) as PluginFormValues;
  const request = useMemo(() => {
    const body = toPluginBody({ ...props.defaultValues, ...values });
    return props.mode === "edit"
      ? adminApiRequest(body, { mode: "edit", pluginId: props.pluginId })
      : adminApiRequest(body, { mode: "create", lockedKind });
  }, [values, props, lockedKind]);

  const returnTo =
    props.mode === "create" && props.lockedScope
      ? entityHref(props.lockedScope.kind, props.lockedScope.id)
      : null;

  function showServerError(err: unknown) {
    if (!(err instanceof TRPCClientError)) {
      setServerError({ title: err instanceof Error ? err.message : "Could not save the plugin", issues: [] });
      return;
    }
    const data = err.data as
      | { fields?: KongFieldTree; issues?: { path: string; message: string }[] }
      | undefined;
    const issues = data?.fields ? flattenKongFields(data.fields) : issuesFromPaths(data?.issues ?? []);
    for (const issue of issues)
      setError(issue.name as never, { type: "server", message: issue.message }, { shouldFocus: false });
    setServerError({ title: err.message, issues: issues.map((i) => ({ path: i.path, message: i.message })) });
  }

  const onSubmit = handleSubmit(async (formValues) => {
    setServerError(null);
    if (scopeMode === "scoped" && !SCOPE_KINDS.some((k) => formValues[k]?.id)) {
      setError("root.scope", {
        type: "client",
        message: "Pick at least one entity, or apply the plugin globally.",
      });
      return;
    }
    const body = toPluginBody(formValues);
    try {
      if (props.mode === "create") {
        const saved = await create.mutateAsync(body as never);
        toast(`${name} created`);
        await queryClient.invalidateQueries({ queryKey: trpc.plugins.pathKey() });
        router.push(returnTo ?? `/plugins/${(saved as { id: string }).id}`);
      } else {
        await update.mutateAsync({ id: props.pluginId, patch: body } as never);
        toast(`${name} updated`);
        await queryClient.invalidateQueries({ queryKey: trpc.plugins.pathKey() });
        reset(formValues);
      }
    } catch (err) {
      showServerError(err);
    }
  });

  async function onDelete() {
    if (props.mode !== "edit") return;
    try {
      await remove.mutateAsync({ id: props.pluginId } as never);
      toast(`${name} deleted`);
      setConfirmDelete(false);
      await queryClient.invalidateQueries({ queryKey: trpc.plugins.pathKey() });
      router.push("/plugins");
    } catch {
      // The dialog shows the mutation's error.
    }
  }

  const advancedHasErrors = Boolean(
    formState.errors.protocols ||
      formState.errors.tags ||
      (formState.errors.config &&
        Object.keys(formState.errors.config).some((k) => !["host", "port", "prefix", "metrics"].includes(k))),
  );

  return (
    <FormProvider {...form}>
      <form
        onSubmit={onSubmit}
        noValidate
        className="flex max-w-6xl flex-col gap-6"
        aria-label={`${name} plugin`}
      >
        {serverError ? <ErrorBanner title={serverError.title} issues={serverError.issues} /> : null}
        {Object.keys(formState.errors).length > 0 && !serverError ? (
          <ErrorBanner title="Some fields need attention" />
        ) : null}

        <Section number={1} title="Plugin scope">
          <ScopeFields lockedKind={lockedKind} mode={scopeMode} onModeChange={setScopeMode} />
        </Section>

        <Section number={2} title="General information">
          <SwitchInput
            name="enabled"
            label="Enabled"
            help="A disabled plugin keeps its configuration but has no effect."
          />
          <TextInput
            name="instance_name"
            label="Instance name"
            help="Optional. A unique name for this plugin instance."
          />
        </Section>

        <Section number={3} title="Plugin configuration">
          {name === "statsd" ? <StatsdRequiredFields /> : <PrometheusConfigFields />}
          <Collapsible
            showLabel="Show additional settings"
            hideLabel="Hide additional settings"
            forceOpen={advancedHasErrors}
          >
            <CheckboxGroupInput name="protocols" label="Protocols" options={PLUGIN_PROTOCOLS} />
            <StringListInput name="tags" label="Tags" itemLabel="tag" />
            {name === "statsd" ? <StatsdAdvancedFields /> : null}
          </Collapsible>
        </Section>

        <div className="sticky bottom-0 flex flex-wrap items-center gap-2 border-t border-border bg-background py-3">
          <button
            type="submit"
            className={buttonClass("primary")}
            // Kong Manager: an edit cannot be saved until something changed; a new plugin may keep its defaults.
            disabled={pending || (props.mode === "edit" && !formState.isDirty)}
          >
            {pending ? "Saving…" : "Save"}
          </button>
          <Link href={returnTo ?? "/plugins"} className={buttonClass()}>
            Cancel
          </Link>
          <button
            type="button"
            className={buttonClass("ghost")}
            aria-expanded={showPreview}
            onClick={() => setShowPreview((s) => !s)}
          >
            {showPreview ? "Hide JSON / curl" : "View as JSON / curl"}
          </button>
          {props.mode === "edit" ? (
            <button
              type="button"
              className={`${dangerButtonClass} ml-auto`}
              onClick={() => setConfirmDelete(true)}
            >
              Delete
            </button>
          ) : null}
        </div>
        {showPreview ? <AdminApiPreview request={request} curl={curlCommand(origin, request)} /> : null}
      </form>
      {props.mode === "edit" ? (
        <ConfirmDialog
          open={confirmDelete}
          title={`Delete this ${name} plugin?`}
          pending={remove.isPending}
          error={remove.error?.message}
          onCancel={() => setConfirmDelete(false)}
          onConfirm={onDelete}
        >
          Its configuration is removed and it stops taking effect immediately.
        </ConfirmDialog>
      ) : null}
    </FormProvider>
  );
}

function Section({ number, title, children }: { number: number; title: string; children: ReactNode }) {
  const id = `section-${number}`;
  return (
    <section
      aria-labelledby={id}
      className="flex flex-col gap-4 rounded-lg border border-border bg-surface p-5"
    >
      <h2 id={id} className="flex items-center gap-2 text-base font-semibold">
        <span
          aria-hidden
          className="inline-flex h-6 w-6 items-center justify-center rounded-full bg-surface-muted text-xs text-muted"
        >
          {number}
        </span>
        {title}
      </h2>
      {children}
    </section>
  );
}
