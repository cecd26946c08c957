"use client";

import { useEffect, useId, useState } from "react";
import { Button, buttonClass } from "@/components/ui/button";
import { fromDateTimeInput, toDateTimeInput } from "@/components/ui/format";
import { RANGE_PRESET_KEYS, RANGE_PRESETS } from "@/lib/time-range";
import type { TimeRangeState } from "./use-time-range";

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) ||
    !!target.closest(".recharts-wrapper")
  );
}

/**
 * Range presets, a custom absolute range, ←/→ period navigation (also as keys), the UTC/local toggle and
 * the live indicator. Everything it changes lives in the URL.
 */
export function TimeControls({ time }: { time: TimeRangeState }) {
  const { shift } = time;
  const [custom, setCustom] = useState(false);
  const fromId = useId();
  const toId = useId();
  const [draft, setDraft] = useState({ from: "", to: "" });

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || isTyping(e.target)) return;
      if (e.key === "ArrowLeft") shift(-1);
      else if (e.key === "ArrowRight") shift(1);
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [shift]);

  function openCustom() {
    setDraft({
      from: toDateTimeInput(time.resolved.from, time.tz),
      to: toDateTimeInput(time.resolved.to, time.tz),
    });
    setCustom((v) => !v);
  }
  function applyCustom(e: React.FormEvent) {
    e.preventDefault();
    const from = fromDateTimeInput(draft.from, time.tz);
    const to = fromDateTimeInput(draft.to, time.tz);
    if (from !== null && to !== null && to > from) {
      time.setAbsolute(from, to);
      setCustom(false);
    }
  }

  const active = time.absolute ? null : time.params.range;
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <LiveIndicator paused={time.paused} />
        <fieldset className="flex overflow-hidden rounded-md border border-border bg-surface">
          <legend className="sr-only">Time range</legend>
          {RANGE_PRESET_KEYS.map((k) => (
            <button
              key={k}
              type="button"
              aria-pressed={active === k}
              title={RANGE_PRESETS[k].label}
              onClick={() => time.setPreset(k)}
              className={`h-8 px-2.5 text-xs font-medium ${active === k ? "bg-accent text-accent-foreground" : "text-muted hover:bg-surface-muted hover:text-foreground"}`}
            >
              {k}
            </button>
          ))}
          <button
            type="button"
            aria-pressed={time.absolute}
            aria-expanded={custom}
            onClick={openCustom}
            className={`h-8 border-l border-border px-2.5 text-xs font-medium ${time.absolute ? "bg-accent text-accent-foreground" : "text-muted hover:bg-surface-muted hover:text-foreground"}`}
          >
            Custom
          </button>
        </fieldset>
        <div className="flex">
          <Button
            size="sm"
            aria-label="Previous period (←)"
            title="Previous period (←)"
            onClick={() => shift(-1)}
            className="rounded-r-none"
          >
            ←
          </Button>
          <Button
            size="sm"
            aria-label="Next period (→)"
            title="Next period (→)"
            onClick={() => shift(1)}
            className="-ml-px rounded-l-none"
          >
            →
          </Button>
        </div>
        <Button
          size="sm"
          aria-pressed={time.tz === "utc"}
          aria-label="Show times in UTC"
          onClick={() => time.setTz(time.tz === "utc" ? "local" : "utc")}
        >
          {time.tz === "utc" ? "UTC" : "Local time"}
        </Button>
      </div>
      {custom ? (
        <form
          onSubmit={applyCustom}
          className="flex flex-wrap items-end gap-2 rounded-md border border-border bg-surface p-2 text-xs"
        >
          <label htmlFor={fromId} className="flex flex-col gap-1 text-muted">
            From
            <input
              id={fromId}
              type="datetime-local"
              required
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
              className="h-8 rounded-md border border-border bg-background px-2 text-foreground"
            />
          </label>
          <label htmlFor={toId} className="flex flex-col gap-1 text-muted">
            To
            <input
              id={toId}
              type="datetime-local"
              required
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
              className="h-8 rounded-md border border-border bg-background px-2 text-foreground"
            />
          </label>
          <button type="submit" className={buttonClass("primary", "sm")}>
            Apply
          </button>
        </form>
      ) : null}
    </div>
  );
}

function LiveIndicator({ paused }: { paused: TimeRangeState["paused"] }) {
  const reason = paused === "absolute" ? "fixed range" : paused === "hidden" ? "tab hidden" : null;
  return (
    <output
      aria-live="polite"
      title={reason ? `Auto-refresh paused: ${reason}` : "Refreshing automatically"}
      className="inline-flex items-center gap-1.5 rounded-full border border-border bg-surface px-2.5 py-1 text-xs font-medium text-muted"
    >
      <span
        aria-hidden
        className={`h-2 w-2 rounded-full ${reason ? "bg-muted" : "animate-pulse bg-success"}`}
      />
      {reason ? "Paused" : "Live"}
    </output>
  );
}
