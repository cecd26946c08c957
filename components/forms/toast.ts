"use client";

/**
 * Toasts live outside React in one polite live region appended to <body>, so a toast shown just before a
 * client-side navigation survives it (the dashboard layout is not remounted, and neither is this region).
 */
const REGION_ID = "gw-toast-region";
const VISIBLE_MS = 5_000;

export type ToastVariant = "success" | "error";

function region(): HTMLElement {
  let el = document.getElementById(REGION_ID);
  if (!el) {
    el = document.createElement("div");
    el.id = REGION_ID;
    el.setAttribute("role", "status");
    el.setAttribute("aria-live", "polite");
    el.className = "pointer-events-none fixed right-4 bottom-4 z-50 flex flex-col items-end gap-2";
    document.body.appendChild(el);
  }
  return el;
}

export function toast(message: string, variant: ToastVariant = "success"): void {
  const host = region();
  const item = document.createElement("div");
  item.dataset.toast = variant;
  item.className = `pointer-events-auto rounded-md border px-4 py-2.5 text-sm font-medium shadow-lg bg-surface text-foreground ${
    variant === "error" ? "border-danger" : "border-success"
  }`;
  item.textContent = message;
  // Appending in the next frame lets screen readers notice a freshly created live region.
  requestAnimationFrame(() => host.appendChild(item));
  setTimeout(() => item.remove(), VISIBLE_MS);
}
