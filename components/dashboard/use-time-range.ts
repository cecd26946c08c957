"use client";

import { useQueryStates } from "nuqs";
import { useCallback, useMemo, useSyncExternalStore } from "react";
import { dashboardParams, rangeFromParams } from "@/lib/search-params";
import { type RangeInput, type RangePreset, resolveRange } from "@/lib/time-range";

function subscribeVisibility(onChange: () => void) {
  document.addEventListener("visibilitychange", onChange);
  return () => document.removeEventListener("visibilitychange", onChange);
}

/** Whether the tab is visible; the server renders as visible. */
export function usePageVisible(): boolean {
  return useSyncExternalStore(
    subscribeVisibility,
    () => document.visibilityState === "visible",
    () => true,
  );
}

/** Refresh period per rollup: about one new bucket per refresh for minute data, faster for seconds. */
const REFRESH_MS = { seconds: 5_000, minutes: 30_000, hours: 300_000 } as const;

/**
 * The dashboard's time state from the URL: the tRPC range input, live/paused, and actions that keep it in
 * the URL (presets, absolute ranges, ←/→ by one period, zoom, UTC toggle, node overlay).
 */
export function useTimeRange() {
  const [params, setParams] = useQueryStates(dashboardParams, { history: "push" });
  const { range, from, to } = params;
  const input: RangeInput = useMemo(() => rangeFromParams({ range, from, to }), [range, from, to]);
  const absolute = !("preset" in input);
  const visible = usePageVisible();
  const resolved = useMemo(() => resolveRange(input), [input]);
  const live = !absolute && visible;

  const setPreset = useCallback(
    (range: RangePreset) => setParams({ range, from: null, to: null }),
    [setParams],
  );
  const setAbsolute = useCallback(
    (from: number, to: number) => setParams({ from: Math.floor(from), to: Math.ceil(to) }),
    [setParams],
  );
  /** Moves one period back (-1) or forward (+1); the range becomes absolute, as in Plausible (§3.5). */
  const shift = useCallback(
    (direction: -1 | 1) => {
      const r = resolveRange(input);
      const length = r.to - r.from;
      setParams({ from: r.from + direction * length, to: r.to + direction * length });
    },
    [input, setParams],
  );

  return {
    params,
    input,
    resolved,
    absolute,
    live,
    paused: absolute ? ("absolute" as const) : visible ? null : ("hidden" as const),
    refetchInterval: live ? REFRESH_MS[resolved.interval] : (false as const),
    tz: params.tz,
    nodes: params.node,
    setPreset,
    setAbsolute,
    shift,
    setTz: (tz: "local" | "utc") => setParams({ tz }),
    setNodes: (node: string[]) => setParams({ node }),
  };
}

export type TimeRangeState = ReturnType<typeof useTimeRange>;
