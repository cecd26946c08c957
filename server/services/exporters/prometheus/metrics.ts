import type { Db } from "@/db/client";
import { buildKong3Families, buildLegacyFamilies } from "./build";
import { type LiveNode, listLiveNodes, loadExpositionInput } from "./load";
import { renderExposition } from "./render";

export const METRICS_FORMATS = ["legacy", "kong3"] as const;
export type MetricsFormat = (typeof METRICS_FORMATS)[number];

export type MetricsParams = {
  format?: MetricsFormat;
  /** One node's view, as that Kong node would serve it; the cluster (all nodes summed) when absent. */
  nodeId?: string;
  nowMs?: number;
};

/** The `/metrics` body: Prometheus text format 0.0.4 in Kong's legacy (default) or 3.x names. */
export async function renderMetrics(db: Db, params: MetricsParams = {}): Promise<string> {
  const input = await loadExpositionInput(db, { nodeId: params.nodeId, nowMs: params.nowMs });
  const families = params.format === "kong3" ? buildKong3Families(input) : buildLegacyFamilies(input);
  return renderExposition(families);
}

/** One Prometheus scrape target per live node (http_sd_config), each pointing at this node's `?node=` view. */
export async function listScrapeTargets(db: Db, params: { nowMs?: number } = {}): Promise<LiveNode[]> {
  return listLiveNodes(db, params.nowMs);
}
