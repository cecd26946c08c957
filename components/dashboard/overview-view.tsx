"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { PageHeader } from "@/components/ui/card";
import { DownloadLink } from "@/components/ui/download-link";
import { useTRPC } from "@/lib/trpc/client";
import { exportHref } from "./export-href";
import { HealthCharts } from "./health-charts";
import { healthInput, summaryInput } from "./inputs";
import { NodeSelector } from "./node-selector";
import { queryState } from "./query-state";
import { SummaryCards } from "./summary-cards";
import { TimeControls } from "./time-controls";
import { useTimeRange } from "./use-time-range";

/** Cluster health and traffic: golden-signal cards, then the Vitals charts with optional node overlays. */
export function OverviewView() {
  const time = useTimeRange();
  const trpc = useTRPC();
  const live = { refetchInterval: time.refetchInterval, placeholderData: keepPreviousData };
  const summary = useQuery(trpc.dashboard.summary.queryOptions(summaryInput(time.input), live));
  const health = useQuery(
    trpc.dashboard.health.queryOptions(healthInput(time.input, { overlay: time.nodes }), live),
  );
  const nodes = useQuery(trpc.dashboard.nodes.queryOptions({ range: time.input }, live));
  const overlay = time.nodes.length ? time.nodes : undefined;

  return (
    <>
      <PageHeader
        title="Overview"
        description="Cluster health and traffic across all gateway nodes"
        actions={
          <>
            <DownloadLink
              href={exportHref("page", time.input, { page: "overview", overlay }, time.tz)}
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
        {...queryState(health)}
        time={time}
        csvHref={exportHref("health", time.input, { overlay }, time.tz)}
        classesCsvHref={exportHref("status-classes", time.input, {}, time.tz)}
      />
    </>
  );
}
