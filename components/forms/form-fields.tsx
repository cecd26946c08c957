"use client";

import type { ReactNode } from "react";
import { Controller, get, useFormContext } from "react-hook-form";
import { CheckboxGroup } from "./checkbox-group";
import { CheckboxField, Field } from "./field";
import { StringListField } from "./string-list-field";
import { inputClass } from "./styles";

/**
 * Controls bound to the surrounding react-hook-form by path. Each shows its own error (client-side schema
 * issues and server `fields` errors alike, both set at the same path) and links it with aria-describedby.
 */
type Common = { name: string; label: ReactNode; help?: ReactNode; required?: boolean; disabled?: boolean };

export function useFieldError(name: string): string | undefined {
  const {
    formState: { errors },
  } = useFormContext();
  const e = get(errors, name) as { message?: unknown } | undefined;
  return typeof e?.message === "string" ? e.message : undefined;
}

export const emptyToNull = (v: unknown) => (v === "" || v === undefined ? null : v);
export const toNumberOrNull = (v: unknown) =>
  v === "" || v === null || v === undefined ? null : typeof v === "number" ? v : Number(v);

export function TextInput({
  name,
  label,
  help,
  required,
  disabled,
  placeholder,
  nullable,
}: Common & {
  placeholder?: string;
  /** Store "" as null (optional Kong strings). */
  nullable?: boolean;
}) {
  const { register } = useFormContext();
  const error = useFieldError(name);
  return (
    <Field label={label} help={help} required={required} error={error}>
      {(control) => (
        <input
          {...control}
          {...register(name, nullable ? { setValueAs: emptyToNull } : undefined)}
          className={inputClass}
          placeholder={placeholder}
          disabled={disabled}
        />
      )}
    </Field>
  );
}

export function NumberInput({
  name,
  label,
  help,
  required,
  disabled,
  step,
  min,
  max,
}: Common & {
  step?: number | "any";
  min?: number;
  max?: number;
}) {
  const { register } = useFormContext();
  const error = useFieldError(name);
  return (
    <Field label={label} help={help} required={required} error={error}>
      {(control) => (
        <input
          {...control}
          {...register(name, { setValueAs: toNumberOrNull })}
          type="number"
          inputMode="decimal"
          step={step ?? "any"}
          min={min}
          max={max}
          className={inputClass}
          disabled={disabled}
        />
      )}
    </Field>
  );
}

export function SelectInput({
  name,
  label,
  help,
  required,
  disabled,
  options,
  emptyLabel,
  numeric,
}: Common & {
  options: readonly string[];
  /** Offers an empty choice stored as null, labelled e.g. "default". */
  emptyLabel?: string;
  /** The options are numbers (e.g. status codes): store them as numbers. */
  numeric?: boolean;
}) {
  const { register } = useFormContext();
  const error = useFieldError(name);
  return (
    <Field label={label} help={help} required={required} error={error}>
      {(control) => (
        <select
          {...control}
          {...register(name, { setValueAs: numeric ? toNumberOrNull : emptyToNull })}
          className={inputClass}
          disabled={disabled}
        >
          {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function SwitchInput({ name, label, help, disabled }: Omit<Common, "required">) {
  const { register } = useFormContext();
  const error = useFieldError(name);
  return (
    <CheckboxField label={label} help={help} error={error}>
      {(control) => (
        <input
          {...control}
          {...register(name)}
          type="checkbox"
          className="mt-0.5 h-4 w-4 shrink-0 accent-[var(--accent)]"
          disabled={disabled}
        />
      )}
    </CheckboxField>
  );
}

export function StringListInput({
  name,
  label,
  itemLabel,
  help,
  placeholder,
  disabled,
  nullable,
}: Omit<Common, "required" | "label"> & {
  label: string;
  itemLabel: string;
  placeholder?: string;
  /** Store an empty list as null. */
  nullable?: boolean;
}) {
  const { control, formState } = useFormContext();
  const raw = get(formState.errors, name) as unknown;
  const listError =
    raw && typeof (raw as { message?: unknown }).message === "string"
      ? ((raw as { message: string }).message as string)
      : undefined;
  const itemErrors = Array.isArray(raw)
    ? raw.map((e) => (e && typeof e.message === "string" ? (e.message as string) : undefined))
    : undefined;
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <StringListField
          label={label}
          itemLabel={itemLabel}
          help={help}
          placeholder={placeholder}
          disabled={disabled}
          value={field.value as string[] | null}
          onBlur={field.onBlur}
          onChange={(next) => field.onChange(nullable && next.length === 0 ? null : next)}
          error={listError}
          itemErrors={itemErrors}
        />
      )}
    />
  );
}

export function CheckboxGroupInput({
  name,
  label,
  help,
  options,
  disabled,
}: Omit<Common, "required" | "label"> & {
  label: string;
  options: readonly string[];
}) {
  const { control, formState } = useFormContext();
  const raw = get(formState.errors, name) as unknown;
  const error = Array.isArray(raw)
    ? raw
        .map((e) => e?.message)
        .filter(Boolean)
        .join("; ")
    : (raw as { message?: string } | undefined)?.message;
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <CheckboxGroup
          label={label}
          help={help}
          options={options}
          disabled={disabled}
          value={field.value as string[]}
          onChange={field.onChange}
          error={error}
        />
      )}
    />
  );
}
