"use client";

import { type ReactNode, useEffect, useId, useRef } from "react";
import { buttonClass } from "@/components/ui/button";
import { dangerButtonClass } from "./styles";

type ConfirmDialogProps = {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel?: string;
  pending?: boolean;
  error?: string | null;
  onConfirm(): void;
  onCancel(): void;
};

/** A modal confirmation on the native <dialog>: focus trap, Escape to cancel and backdrop come for free. */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel = "Delete",
  pending,
  error,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      className="m-auto w-full max-w-md rounded-lg border border-border bg-surface p-5 text-foreground shadow-xl backdrop:bg-black/40"
    >
      <h2 id={titleId} className="text-base font-semibold">
        {title}
      </h2>
      {children ? <div className="mt-2 text-sm text-muted">{children}</div> : null}
      {error ? (
        <p role="alert" className="mt-3 text-sm text-danger">
          {error}
        </p>
      ) : null}
      <div className="mt-5 flex justify-end gap-2">
        <button type="button" className={buttonClass()} onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className={dangerButtonClass} onClick={onConfirm} disabled={pending}>
          {pending ? "Deleting…" : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
