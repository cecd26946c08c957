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

/**
 * Refresh period per preset: short 1 s views every 5 s; the hour of 1 s data (3600 points per series)
 * every 10 s; minute data every 30 s; hour data every 5 min (Konnect refreshes tiles every 30 s, §3.1).
 */
const REFRESH_MS: Record<RangePreset, number> = {
  "5m": 5_000,
  "15m": 5_000,
  "1h": 10_000,
  "6h": 30_000,
  "12h": 30_000,
  "24h": 30_000,
  "7d": 300_000,
};

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
    refetchInterval: live ? REFRESH_MS[params.range] : (false as const),
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
