"use client";

import { type ReactNode, useId } from "react";
import { buttonClass } from "@/components/ui/button";
import { FieldError } from "./field";
import { inputClass } from "./styles";

type StringListFieldProps = {
  label: string;
  /** Singular noun for the add button and each row's label, e.g. "status code range". */
  itemLabel: string;
  value: string[] | null | undefined;
  onChange(next: string[]): void;
  onBlur?(): void;
  help?: ReactNode;
  placeholder?: string;
  /** Error for the whole list. */
  error?: string;
  /** Errors per element, by index. */
  itemErrors?: (string | undefined)[];
  disabled?: boolean;
};

/** An editable list of strings (tags, hosts, paths, status-code ranges): one input per element. */
export function StringListField({
  label,
  itemLabel,
  value,
  onChange,
  onBlur,
  help,
  placeholder,
  error,
  itemErrors,
  disabled,
}: StringListFieldProps) {
  const id = useId();
  const items = value ?? [];
  const helpId = help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <fieldset
      className="flex flex-col gap-1.5"
      aria-describedby={[errorId, helpId].filter(Boolean).join(" ") || undefined}
    >
      <legend className="mb-1 text-sm font-medium text-foreground">{label}</legend>
      {items.length === 0 ? <p className="text-xs text-muted">None.</p> : null}
      {items.map((item, i) => {
        const itemError = itemErrors?.[i];
        const itemErrorId = itemError ? `${id}-${i}-error` : undefined;
        return (
          <div key={i} className="flex flex-col gap-1">
            <div className="flex items-center gap-2">
              <input
                className={inputClass}
                value={item}
                placeholder={placeholder}
                disabled={disabled}
                aria-label={`${itemLabel} ${i + 1}`}
                aria-invalid={Boolean(itemError)}
                aria-describedby={itemErrorId}
                onBlur={onBlur}
                onChange={(e) => onChange(items.map((v, j) => (j === i ? e.target.value : v)))}
              />
              <button
                type="button"
                className={buttonClass("default", "md", "shrink-0")}
                disabled={disabled}
                aria-label={`Remove ${itemLabel} ${i + 1}`}
                onClick={() => onChange(items.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            </div>
            {itemError ? <FieldError id={itemErrorId}>{itemError}</FieldError> : null}
          </div>
        );
      })}
      <button
        type="button"
        className={buttonClass("default", "sm", "self-start")}
        disabled={disabled}
        onClick={() => onChange([...items, ""])}
      >
        Add {itemLabel}
      </button>
      {help ? (
        <p id={helpId} className="text-xs text-muted">
          {help}
        </p>
      ) : null}
      {error ? <FieldError id={errorId}>{error}</FieldError> : null}
    </fieldset>
  );
}
