"use client";

import { type ReactNode, useEffect, useId, useState } from "react";

type CollapsibleProps = {
  showLabel: string;
  hideLabel: string;
  /** Opens the section when it holds an error, so the error is never hidden. */
  forceOpen?: boolean;
  children: ReactNode;
};

/** Content stays mounted while hidden, so react-hook-form keeps its fields registered. */
export function Collapsible({ showLabel, hideLabel, forceOpen, children }: CollapsibleProps) {
  const [open, setOpen] = useState(false);
  const id = useId();
  useEffect(() => {
    if (forceOpen) setOpen(true);
  }, [forceOpen]);
  return (
    <div className="flex flex-col gap-4">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
        className="self-start text-sm font-medium text-accent hover:underline"
      >
        <span aria-hidden className="mr-1 inline-block w-3">
          {open ? "▾" : "▸"}
        </span>
        {open ? hideLabel : showLabel}
      </button>
      <div id={id} hidden={!open} className="flex flex-col gap-4">
        {children}
      </div>
    </div>
  );
}
