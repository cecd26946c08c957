"use client";

import Link from "next/link";
import { Card, CardHeader } from "@/components/ui/card";
import { type Column, DataTable } from "@/components/ui/data-table";
import { DownloadLink } from "@/components/ui/download-link";
import { formatCount, formatPercent } from "@/components/ui/format";
import { StatePanel } from "@/components/ui/state-panel";
import type { ConsumerRouteTable } from "./types";

type Row = ConsumerRouteTable["rows"][number];

function errors(r: Row): number {
  return Object.entries(r.codes).reduce((n, [code, c]) => (Number(code) >= 400 ? n + c : n), 0);
}

/** Top consumer × route pairs for the range, plus an "other" row that sums the rest (bounded cardinality). */
export function ConsumerRouteBreakdown({
  data,
  isLoading,
  error,
  csvHref,
  limit,
}: {
  data: ConsumerRouteTable | undefined;
  isLoading: boolean;
  error: { message: string } | null;
  csvHref: string;
  limit: number;
}) {
  const columns: Column<Row>[] = [
    {
      key: "consumer",
      header: "Consumer",
      cell: (r) =>
        r.consumerId === null && r.routeId === null ? (
          <span className="italic text-muted">other</span>
        ) : r.consumerId ? (
          <Link href={`/consumers/${r.consumerId}`} className="text-accent hover:underline">
            {r.consumerName ?? r.consumerId}
          </Link>
        ) : (
          <span className="text-muted">anonymous</span>
        ),
    },
    {
      key: "route",
      header: "Route",
      cell: (r) =>
        r.routeId ? (
          <Link href={`/routes/${r.routeId}`} className="text-accent hover:underline">
            {r.routeName ?? r.routeId}
          </Link>
        ) : r.consumerId ? (
          <span className="text-muted" title="Traffic without a matched route: a legacy API, for one">
            no route
          </span>
        ) : null,
    },
    { key: "requests", header: "Requests", cell: (r) => formatCount(r.requests), align: "right" },
    {
      key: "errors",
      header: "Error rate",
      cell: (r) => formatPercent(r.requests ? errors(r) / r.requests : null),
      align: "right",
    },
    {
      key: "codes",
      header: "Codes",
      cell: (r) => (
        <span className="text-xs text-muted">
          {Object.entries(r.codes)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([code, n]) => `${code}: ${formatCount(n)}`)
            .join(" · ")}
        </span>
      ),
    },
  ];
  return (
    <Card>
      <CardHeader
        title="Consumers × routes"
        description={`Top ${limit} pairs by requests; the rest are summed as “other”`}
        actions={<DownloadLink href={csvHref} label="Download consumers × routes as CSV" />}
      />
      <StatePanel isLoading={isLoading} error={error}>
        <DataTable
          caption="Requests per consumer and route"
          columns={columns}
          rows={data?.rows ?? []}
          rowKey={(r) => `${r.consumerId ?? "other"}|${r.routeId ?? "other"}`}
        />
      </StatePanel>
    </Card>
  );
}
