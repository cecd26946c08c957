import {
  createLoader,
  createSerializer,
  parseAsArrayOf,
  parseAsInteger,
  parseAsString,
  parseAsStringLiteral,
} from "nuqs/server";
import { RANGE_PRESET_KEYS, type RangeInput, type RangePreset } from "./time-range";

/**
 * The dashboard's URL state, declared once (STYLE habit 5): pages load it on the server to prefetch,
 * client views read and write it with `useQueryStates(dashboardParams)`. A shared link shows the same view.
 * `from`/`to` (unix seconds) make the range absolute and win over `range`.
 */
export const TIME_ZONES = ["local", "utc"] as const;
export type TimeZoneMode = (typeof TIME_ZONES)[number];

export const dashboardParams = {
  range: parseAsStringLiteral(RANGE_PRESET_KEYS).withDefault("1h"),
  from: parseAsInteger,
  to: parseAsInteger,
  tz: parseAsStringLiteral(TIME_ZONES).withDefault("local"),
  /** node ids overlaid on the cluster charts */
  node: parseAsArrayOf(parseAsString).withDefault([]),
};

/** List pages add a search box and a sort column to the time state. */
export const listParams = {
  ...dashboardParams,
  q: parseAsString.withDefault(""),
  sort: parseAsString.withDefault("requests"),
  dir: parseAsStringLiteral(["asc", "desc"] as const).withDefault("desc"),
};

export const loadDashboardParams = createLoader(dashboardParams);
export const loadListParams = createLoader(listParams);
export const serializeDashboardParams = createSerializer(dashboardParams);

export type DashboardParams = {
  range: RangePreset;
  from: number | null;
  to: number | null;
};

/** The tRPC range input for what the URL says. */
export function rangeFromParams(p: DashboardParams): RangeInput {
  if (p.from !== null && p.to !== null && p.to > p.from) return { from: p.from, to: p.to };
  return { preset: p.range };
}
