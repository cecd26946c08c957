"use client";

import { useId } from "react";
import { useFormContext, useWatch } from "react-hook-form";
import { ENTITY_META, type EntityKind } from "@/components/entities/entity-kinds";
import { EntityPicker } from "@/components/entities/entity-picker";
import { useFieldError } from "@/components/forms/form-fields";
import { type PluginFormValues, SCOPE_KINDS } from "./plugin-form-model";

type ScopeFieldsProps = {
  /** Opened from an entity page: that scope is preselected and cannot change (Kong Manager §2.2). */
  lockedKind?: EntityKind;
  mode: "global" | "scoped";
  onModeChange(mode: "global" | "scoped"): void;
};

/** "Plugin scope": Global (all services, routes and consumers) or Scoped to entities picked by name or id. */
export function ScopeFields({ lockedKind, mode, onModeChange }: ScopeFieldsProps) {
  const { control, setValue } = useFormContext<PluginFormValues>();
  const id = useId();
  const scopeError = useFieldError("root.scope");
  const refs = useWatch({ control, name: SCOPE_KINDS });
  const locked = Boolean(lockedKind);
  function choose(next: "global" | "scoped") {
    onModeChange(next);
    if (next === "global")
      for (const kind of SCOPE_KINDS) setValue(kind, null, { shouldDirty: true, shouldValidate: false });
  }
  return (
    <div className="flex flex-col gap-3">
      <div role="radiogroup" aria-labelledby={`${id}-label`} className="flex flex-col gap-2">
        <span id={`${id}-label`} className="text-sm font-medium">
          Apply to
        </span>
        <label className="flex items-start gap-2 text-sm">
          <input
            type="radio"
            name={`${id}-mode`}
            value="global"
            checked={mode === "global"}
            disabled={locked}
            onChange={() => choose("global")}
            className="mt-0.5 accent-[var(--accent)]"
          />
          <span>
            <span className="font-medium">Global</span>
            <span className="block text-xs text-muted">All services, routes, and consumers</span>
          </span>
        </label>
        <label className="flex items-start gap-2 text-sm">
          <input
            type="radio"
            name={`${id}-mode`}
            value="scoped"
            checked={mode === "scoped"}
            disabled={locked}
            onChange={() => choose("scoped")}
            className="mt-0.5 accent-[var(--accent)]"
          />
          <span>
            <span className="font-medium">Scoped</span>
            <span className="block text-xs text-muted">Specific services, routes, consumers or APIs</span>
          </span>
        </label>
        {lockedKind ? (
          <p className="text-xs text-muted" data-testid="scope-locked-note">
            The scope is set by the {ENTITY_META[lockedKind].noun} this plugin is being added to.
          </p>
        ) : null}
      </div>
      {mode === "scoped" ? (
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          {SCOPE_KINDS.map((kind, i) => (
            <ScopePicker
              key={kind}
              kind={kind}
              value={refs[i]?.id ?? null}
              locked={locked && kind === lockedKind}
            />
          ))}
        </div>
      ) : null}
      {scopeError ? <p className="text-xs text-danger">{scopeError}</p> : null}
    </div>
  );
}

function ScopePicker({ kind, value, locked }: { kind: EntityKind; value: string | null; locked: boolean }) {
  const { setValue } = useFormContext<PluginFormValues>();
  const refError = useFieldError(kind);
  const idError = useFieldError(`${kind}.id`);
  return (
    <EntityPicker
      kind={kind}
      label={ENTITY_META[kind].label}
      value={value}
      disabled={locked}
      error={refError ?? idError}
      onChange={(next) => setValue(kind, next ? { id: next } : null, { shouldDirty: true })}
    />
  );
}
