"use client";

import { keepPreviousData, useQueries, useQuery } from "@tanstack/react-query";
import { PageHeader } from "@/components/ui/card";
import { DownloadLink } from "@/components/ui/download-link";
import { useTRPC } from "@/lib/trpc/client";
import { exportHref } from "./export-href";
import { HealthCharts } from "./health-charts";
import type { Overlay } from "./health-data";
import { healthInput, overlayInput, summaryInput } from "./inputs";
import { NodeSelector } from "./node-selector";
import { queryState } from "./query-state";
import { SummaryCards } from "./summary-cards";
import { TimeControls } from "./time-controls";
import { useTimeRange } from "./use-time-range";

/**
 * The overlay lines by the position each node was chosen in (undefined until loaded), so a node keeps the
 * colour of its chip whichever line arrives first. TanStack memoises the result of this stable function.
 */
const overlaysByChoice = (results: readonly { data?: Overlay }[]): (Overlay | undefined)[] =>
  results.map((r) => r.data);

/** Cluster health and traffic: golden-signal cards, then the Vitals charts with optional node overlays. */
export function OverviewView() {
  const time = useTimeRange();
  const trpc = useTRPC();
  const live = { refetchInterval: time.refetchInterval, placeholderData: keepPreviousData };
  const summary = useQuery(trpc.dashboard.summary.queryOptions(summaryInput(time.input), live));
  const health = useQuery(trpc.dashboard.health.queryOptions(healthInput(time.input), live));
  // A query per chosen node: choosing one fetches its lines only, and the cluster's lines never wait on them.
  const overlays = useQueries({
    queries: time.nodes.map((nodeId) =>
      trpc.dashboard.overlay.queryOptions(overlayInput(time.input, nodeId), live),
    ),
    combine: overlaysByChoice,
  });
  const nodes = useQuery(trpc.dashboard.nodes.queryOptions({ range: time.input }, live));
  const overlayIds = time.nodes.length ? time.nodes : undefined;

  return (
    <>
      <PageHeader
        title="Overview"
        description="Cluster health and traffic across all gateway nodes"
        actions={
          <>
            <DownloadLink
              href={exportHref("page", time.input, { page: "overview", overlay: overlayIds }, time.tz)}
              label="Export page as CSV"
              text="Export page"
            />
            <TimeControls time={time} />
          </>
        }
      />
      <SummaryCards
        data={summary.data}
        {...queryState(summary)}
        csvHref={exportHref("summary", time.input, {}, time.tz)}
      />
      <NodeSelector nodes={nodes.data?.rows ?? []} selected={time.nodes} onChange={time.setNodes} />
      <HealthCharts
        subject="Cluster"
        data={health.data}
        overlays={overlays}
        {...queryState(health)}
        time={time}
        csvHref={exportHref("health", time.input, { overlay: overlayIds }, time.tz)}
        classesCsvHref={exportHref("status-classes", time.input, {}, time.tz)}
      />
    </>
  );
}
