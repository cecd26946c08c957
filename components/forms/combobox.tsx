"use client";

import { useId, useState } from "react";
import { inputClass } from "./styles";

export type ComboboxOption = { value: string; label: string; description?: string };

type ComboboxProps = {
  id?: string;
  /** What the input shows while nothing is being typed: the selected option's label. */
  selectedLabel: string;
  options: ComboboxOption[];
  query: string;
  onQueryChange(query: string): void;
  onSelect(option: ComboboxOption | null): void;
  loading?: boolean;
  disabled?: boolean;
  placeholder?: string;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
};

/** An ARIA 1.2 combobox with a listbox popup: type to search, arrows to move, Enter to pick, Escape to close. */
export function Combobox(props: ComboboxProps) {
  const { selectedLabel, options, query, onQueryChange, onSelect, loading, disabled, placeholder } = props;
  const fallbackId = useId();
  const id = props.id ?? fallbackId;
  const listId = `${id}-listbox`;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [typing, setTyping] = useState(false);

  function pick(option: ComboboxOption) {
    onSelect(option);
    setTyping(false);
    setOpen(false);
    onQueryChange("");
  }

  return (
    <div className="relative">
      <input
        id={id}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && options[active] ? `${listId}-${active}` : undefined}
        aria-invalid={props["aria-invalid"]}
        aria-describedby={props["aria-describedby"]}
        autoComplete="off"
        className={inputClass}
        disabled={disabled}
        placeholder={placeholder}
        value={typing ? query : selectedLabel}
        onFocus={() => setOpen(true)}
        onBlur={() => {
          setOpen(false);
          setTyping(false);
        }}
        onChange={(e) => {
          setTyping(true);
          setOpen(true);
          setActive(0);
          onQueryChange(e.target.value);
          if (e.target.value === "") onSelect(null);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setOpen(true);
            setActive((a) => Math.min(a + 1, Math.max(options.length - 1, 0)));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === "Enter" && open && options[active]) {
            e.preventDefault();
            pick(options[active]);
          } else if (e.key === "Escape") {
            setOpen(false);
            setTyping(false);
          }
        }}
      />
      <div
        id={listId}
        role="listbox"
        hidden={!open}
        className="absolute z-20 mt-1 max-h-64 w-full overflow-auto rounded-md border border-border bg-surface py-1 text-sm shadow-lg"
      >
        {loading ? <div className="px-3 py-1.5 text-muted">Searching…</div> : null}
        {!loading && options.length === 0 ? <div className="px-3 py-1.5 text-muted">No matches</div> : null}
        {options.map((option, i) => (
          <div
            key={option.value}
            tabIndex={-1}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            // mousedown, not click: it fires before the input's blur closes the list.
            onMouseDown={(e) => {
              e.preventDefault();
              pick(option);
            }}
            onMouseEnter={() => setActive(i)}
            className={`cursor-pointer px-3 py-1.5 ${i === active ? "bg-surface-muted" : ""}`}
          >
            <span className="text-foreground">{option.label}</span>
            {option.description ? (
              <span className="ml-2 font-mono text-xs text-muted">{option.description}</span>
            ) : null}
          </div>
        ))}
      </div>
    </div>
  );
}
