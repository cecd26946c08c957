/** Form class names (buttons come from components/ui/button) so every control looks and behaves alike in both themes (CSS variables in globals.css). */
export const inputClass =
  "w-full rounded-md border border-border bg-surface px-3 py-1.5 text-sm text-foreground placeholder:text-muted disabled:cursor-not-allowed disabled:opacity-60 aria-[invalid=true]:border-danger";

export const dangerButtonClass =
  "inline-flex h-8 items-center justify-center gap-1.5 rounded-md border border-danger bg-surface px-3 text-sm font-medium text-danger hover:bg-surface-muted disabled:pointer-events-none disabled:opacity-50";

export const cardClass = "rounded-lg border border-border bg-surface p-4";
