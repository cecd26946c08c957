import { HEALTH_STAT_LABELS } from "./health";
import { type VitalsInterval, vitalsRetention } from "./params";

type Intervals = Partial<Record<VitalsInterval, { retention_period_seconds: number }>>;
export type VitalsIndexBody = {
  stats: Record<string, { levels: Partial<Record<"cluster" | "nodes", { intervals: Intervals }>> }>;
};

const CODE_LABELS = [
  "status_codes_per_service_total",
  "status_codes_per_route_total",
  "status_codes_per_consumer_total",
  "status_codes_per_consumer_route_total",
  "requests_consumer_total",
] as const;

function intervals(list: VitalsInterval[]): Intervals {
  return Object.fromEntries(list.map((i) => [i, { retention_period_seconds: vitalsRetention(i) }]));
}

/**
 * `GET /vitals`: every stat label with its levels and intervals (kong-vitals §1.5). Status-code labels list
 * only the `cluster` level; code rollups start at minutes, classes come from the health rollups (seconds too).
 */
export function getVitalsIndex(): VitalsIndexBody {
  const all = intervals(["seconds", "minutes", "hours", "days"]);
  const codes = intervals(["minutes", "hours", "days"]);
  const stats: VitalsIndexBody["stats"] = {};
  for (const label of HEALTH_STAT_LABELS)
    stats[label] = { levels: { cluster: { intervals: all }, nodes: { intervals: all } } };
  stats.status_code_classes_total = { levels: { cluster: { intervals: all } } };
  for (const label of CODE_LABELS) stats[label] = { levels: { cluster: { intervals: codes } } };
  return { stats };
}
