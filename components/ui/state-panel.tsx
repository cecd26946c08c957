import type { ReactNode } from "react";

type Props = {
  isLoading?: boolean;
  error?: { message: string } | null;
  isEmpty?: boolean;
  emptyText?: ReactNode;
  /** keeps the layout steady while loading (px) */
  minHeight?: number;
  children?: ReactNode;
};

/**
 * The one home of loading, empty and error states (STYLE habit 8, umami `LoadingPanel`): every chart and
 * table renders through it, so they all look and announce the same way.
 */
export function StatePanel({
  isLoading,
  error,
  isEmpty,
  emptyText = "No data for this range",
  minHeight = 120,
  children,
}: Props) {
  if (error) {
    return (
      <div
        role="alert"
        style={{ minHeight }}
        className="flex flex-col items-center justify-center gap-1 rounded-md border border-danger/40 bg-danger/5 p-4 text-center text-sm text-danger"
      >
        <span className="font-medium">Could not load data</span>
        <span className="text-xs opacity-80">{error.message}</span>
      </div>
    );
  }
  if (isLoading) {
    return (
      <div
        role="status"
        aria-live="polite"
        aria-busy="true"
        style={{ minHeight }}
        className="flex items-center justify-center gap-2 rounded-md bg-surface-muted/60 text-sm text-muted"
      >
        <span
          aria-hidden
          className="h-3 w-3 animate-spin rounded-full border-2 border-muted border-t-transparent"
        />
        Loading…
      </div>
    );
  }
  if (isEmpty) {
    return (
      <div
        style={{ minHeight }}
        className="flex items-center justify-center rounded-md border border-dashed border-border text-sm text-muted"
      >
        {emptyText}
      </div>
    );
  }
  return <>{children}</>;
}
