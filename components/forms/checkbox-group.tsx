"use client";

import { type ReactNode, useId } from "react";
import { FieldError } from "./field";

type CheckboxGroupProps = {
  label: string;
  options: readonly string[];
  value: string[] | null | undefined;
  onChange(next: string[]): void;
  help?: ReactNode;
  error?: string;
  disabled?: boolean;
};

/** A set-valued field (protocols, methods): one checkbox per allowed value, kept in the options' order. */
export function CheckboxGroup({
  label,
  options,
  value,
  onChange,
  help,
  error,
  disabled,
}: CheckboxGroupProps) {
  const id = useId();
  const selected = new Set(value ?? []);
  const helpId = help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <fieldset
      className="flex flex-col gap-1.5"
      aria-invalid={Boolean(error)}
      aria-describedby={[errorId, helpId].filter(Boolean).join(" ") || undefined}
    >
      <legend className="mb-1 text-sm font-medium text-foreground">{label}</legend>
      <div className="flex flex-wrap gap-x-4 gap-y-1.5">
        {options.map((option) => (
          <label key={option} className="inline-flex items-center gap-1.5 text-sm">
            <input
              type="checkbox"
              className="h-4 w-4 accent-[var(--accent)]"
              checked={selected.has(option)}
              disabled={disabled}
              onChange={(e) => {
                const next = new Set(selected);
                if (e.target.checked) next.add(option);
                else next.delete(option);
                onChange(options.filter((o) => next.has(o)));
              }}
            />
            {option}
          </label>
        ))}
      </div>
      {help ? (
        <p id={helpId} className="text-xs text-muted">
          {help}
        </p>
      ) : null}
      {error ? <FieldError id={errorId}>{error}</FieldError> : null}
    </fieldset>
  );
}
