"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { PageHeader } from "@/components/ui/card";
import { DownloadLink } from "@/components/ui/download-link";
import { useTRPC } from "@/lib/trpc/client";
import { exportHref } from "./export-href";
import { HealthCharts } from "./health-charts";
import { healthInput, summaryInput } from "./inputs";
import { queryState } from "./query-state";
import { StatusCodeChart } from "./status-code-chart";
import { SummaryCards } from "./summary-cards";
import { TimeControls } from "./time-controls";
import { useTimeRange } from "./use-time-range";

/** One node's health (the cluster charts, for this node only) and its own status codes. */
export function NodeView({ id }: { id: string }) {
  const time = useTimeRange();
  const trpc = useTRPC();
  const live = { refetchInterval: time.refetchInterval, placeholderData: keepPreviousData };
  const node = useQuery(trpc.dashboard.entity.queryOptions({ kind: "node", id }));
  const summary = useQuery(trpc.dashboard.summary.queryOptions(summaryInput(time.input, id), live));
  const health = useQuery(trpc.dashboard.health.queryOptions(healthInput(time.input, id), live));
  const codes = useQuery(
    trpc.dashboard.statusCodes.queryOptions({ range: time.input, entity: { kind: "node", id } }, live),
  );
  const hostname = node.data?.name ?? id;
  const version = typeof node.data?.extra.version === "string" ? node.data.extra.version : null;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-xs text-muted">
        <Link href="/nodes" className="hover:text-foreground hover:underline">
          Nodes
        </Link>{" "}
        / <span className="text-foreground">{hostname}</span>
      </nav>
      <PageHeader
        title={hostname}
        description={
          <span className="font-mono text-xs">
            {id}
            {version ? ` · Kong ${version}` : ""}
          </span>
        }
        actions={
          <>
            <DownloadLink
              href={exportHref("page", time.input, { page: "node", node: id }, time.tz)}
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
        csvHref={exportHref("summary", time.input, { node: id }, time.tz)}
      />
      <HealthCharts
        subject={hostname}
        data={health.data}
        {...queryState(health)}
        time={time}
        csvHref={exportHref("health", time.input, { node: id }, time.tz)}
        classesCsvHref={exportHref("status-classes", time.input, { node: id }, time.tz)}
      />
      <div className="mt-4">
        <StatusCodeChart
          subject={hostname}
          data={codes.data}
          {...queryState(codes)}
          time={time}
          csvHref={exportHref("status-codes", time.input, { kind: "node", id }, time.tz)}
        />
      </div>
    </>
  );
}
