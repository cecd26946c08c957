import {
  createLoader,
  createMultiParser,
  createSerializer,
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

/**
 * Node ids overlaid on the cluster charts. Written as one comma-separated value (`node=a,b`); a link that
 * repeats the key (`node=a&node=b`, the form the CSV export takes for `overlay`) reads the same list.
 */
const nodeIds = createMultiParser<string[]>({
  parse: (values) => [...new Set(values.flatMap((v) => v.split(",")).filter((v) => v !== ""))],
  serialize: (ids) => [ids.join(",")],
  eq: (a, b) => a.length === b.length && a.every((v, i) => v === b[i]),
});

export const dashboardParams = {
  range: parseAsStringLiteral(RANGE_PRESET_KEYS).withDefault("1h"),
  from: parseAsInteger,
  to: parseAsInteger,
  tz: parseAsStringLiteral(TIME_ZONES).withDefault("local"),
  /** node ids overlaid on the cluster charts */
  node: nodeIds.withDefault([]),
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
