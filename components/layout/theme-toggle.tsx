"use client";

import { useSyncExternalStore } from "react";

const STORAGE_KEY = "gw-theme";

/**
 * The theme lives in one place, the `dark` class on <html> (set before paint by the root layout's script), so
 * every toggle on the page reads it from there: the sidebar and the mobile header never disagree, and a
 * change made in another tab applies here too.
 */
function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  const onStorage = (e: StorageEvent) => {
    if (e.key === STORAGE_KEY && (e.newValue === "dark" || e.newValue === "light"))
      document.documentElement.classList.toggle("dark", e.newValue === "dark");
  };
  window.addEventListener("storage", onStorage);
  return () => {
    observer.disconnect();
    window.removeEventListener("storage", onStorage);
  };
}

const isDark = () => document.documentElement.classList.contains("dark");

export function ThemeToggle() {
  const dark = useSyncExternalStore(subscribe, isDark, () => false);
  function toggle() {
    const next = !dark;
    document.documentElement.classList.toggle("dark", next);
    localStorage.setItem(STORAGE_KEY, next ? "dark" : "light");
  }
  return (
    <button
      type="button"
      onClick={toggle}
      aria-pressed={dark}
      aria-label="Dark theme"
      className="rounded-md border border-border px-2.5 py-1.5 text-sm text-muted hover:text-foreground"
    >
      {dark ? "☾ Dark" : "☀ Light"}
    </button>
  );
}
