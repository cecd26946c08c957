"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { PageHeader } from "@/components/ui/card";
import { DownloadLink } from "@/components/ui/download-link";
import { formatCount, formatMs, formatPercent } from "@/components/ui/format";
import { StatePanel } from "@/components/ui/state-panel";
import { useTRPC } from "@/lib/trpc/client";
import { ConsumerRouteBreakdown } from "./consumer-route-table";
import { ENTITY_META } from "./entity-kinds";
import { exportHref } from "./export-href";
import { CONSUMER_ROUTE_LIMIT, consumerRoutesInput } from "./inputs";
import { queryState } from "./query-state";
import { StatusCodeChart } from "./status-code-chart";
import { TimeControls } from "./time-controls";
import type { EntityKind } from "./types";
import { useTimeRange } from "./use-time-range";

/** Traffic of one service, route, consumer or API: totals, codes over time, consumer × route pairs. */
export function EntityDetailView({
  kind,
  id,
  actions,
}: {
  kind: EntityKind;
  id: string;
  actions?: ReactNode;
}) {
  const meta = ENTITY_META[kind];
  const time = useTimeRange();
  const trpc = useTRPC();
  const live = { refetchInterval: time.refetchInterval, placeholderData: keepPreviousData };
  const entity = useQuery(trpc.dashboard.entity.queryOptions({ kind, id }));
  const codes = useQuery(
    trpc.dashboard.statusCodes.queryOptions({ range: time.input, entity: { kind, id } }, live),
  );
  const table = useQuery(trpc.dashboard.entities.queryOptions({ range: time.input, kind }, live));
  const pairsInput = consumerRoutesInput(kind, id, time.input);
  const pairs = useQuery({
    ...trpc.dashboard.consumerRoutes.queryOptions(pairsInput?.input ?? { range: time.input }, live),
    enabled: pairsInput !== null,
  });
  const row = table.data?.rows.find((r) => r.id === id);
  const name = entity.data?.name ?? row?.name ?? id;
  const entityParam = { kind, id };

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-xs text-muted">
        <Link href={meta.path} className="hover:text-foreground hover:underline">
          {meta.title}
        </Link>{" "}
        / <span className="text-foreground">{name}</span>
      </nav>
      <PageHeader
        title={name}
        description={<span className="font-mono text-xs">{id}</span>}
        actions={
          <>
            {actions}
            <DownloadLink
              href={exportHref("page", time.input, { page: kind, ...entityParam }, time.tz)}
              label="Export page as CSV"
              text="Export page"
            />
            <TimeControls time={time} />
          </>
        }
      />
      <StatePanel {...queryState(entity)} minHeight={40}>
        {null}
      </StatePanel>
      <dl className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label="Requests" value={formatCount(row?.requests ?? 0)} />
        <Stat label="Error rate (4xx + 5xx)" value={formatPercent(row?.errorRate ?? null)} />
        <Stat label="5xx" value={formatCount(row?.status5xx ?? 0)} />
        <Stat label="p95 request latency" value={formatMs(row?.p95Ms ?? null)} />
      </dl>
      <div className="grid grid-cols-1 gap-4">
        <StatusCodeChart
          subject={name}
          data={codes.data}
          {...queryState(codes)}
          time={time}
          csvHref={exportHref("status-codes", time.input, entityParam, time.tz)}
        />
        {pairsInput ? (
          <ConsumerRouteBreakdown
            data={pairs.data}
            {...queryState(pairs)}
            limit={CONSUMER_ROUTE_LIMIT}
            csvHref={exportHref(
              "consumer-routes",
              time.input,
              { ...pairsInput.filter, limit: String(CONSUMER_ROUTE_LIMIT) },
              time.tz,
            )}
          />
        ) : null}
      </div>
    </>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-lg border border-border bg-surface px-4 py-3">
      <dt className="text-xs font-medium text-muted">{label}</dt>
      <dd className="mt-1 text-xl font-semibold tabular-nums">{value}</dd>
    </div>
  );
}
