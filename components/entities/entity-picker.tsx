"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { Combobox, type ComboboxOption } from "@/components/forms/combobox";
import { Field } from "@/components/forms/field";
import { useTRPC } from "@/lib/trpc/client";
import { API_KIND, type EntityKind, entityDisplayName } from "./entity-kinds";

type EntityPickerProps = {
  kind: EntityKind;
  label: string;
  value: string | null;
  onChange(id: string | null): void;
  disabled?: boolean;
  error?: string;
  help?: string;
};

/** A searchable entity picker (by name or id, like Kong Manager's scope pickers) backed by the entities router. */
export function EntityPicker({ kind, label, value, onChange, disabled, error, help }: EntityPickerProps) {
  const trpc = useTRPC();
  const [query, setQuery] = useState("");
  const search = useDeferredValue(query.trim());
  const results = useQuery({
    ...trpc.entities.search.queryOptions({ kind: API_KIND[kind], query: search, limit: 20 }),
    enabled: !disabled,
    placeholderData: keepPreviousData,
  });
  const selected = useQuery({
    ...trpc.entities.get.queryOptions({ kind: API_KIND[kind], id: value ?? "" }),
    enabled: Boolean(value),
  });
  const options: ComboboxOption[] = (results.data ?? []).map((e) => ({
    value: String(e.id),
    label: entityDisplayName(kind, e),
    description: String(e.id).slice(0, 8),
  }));
  const selectedLabel = value ? (selected.data ? entityDisplayName(kind, selected.data) : value) : "";
  return (
    <Field label={label} error={error} help={help}>
      {(control) => (
        <Combobox
          {...control}
          selectedLabel={selectedLabel}
          options={options}
          query={query}
          onQueryChange={setQuery}
          onSelect={(o) => onChange(o?.value ?? null)}
          loading={results.isFetching && !results.data}
          disabled={disabled}
          placeholder="Search by name or id"
        />
      )}
    </Field>
  );
}
