"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useQueryStates } from "nuqs";
import { PageHeader } from "@/components/ui/card";
import { type Column, DataTable, numericColumn } from "@/components/ui/data-table";
import { DownloadLink } from "@/components/ui/download-link";
import { formatCount, formatDateTime, formatMs, formatPercent } from "@/components/ui/format";
import { StatePanel } from "@/components/ui/state-panel";
import { listParams } from "@/lib/search-params";
import { useTRPC } from "@/lib/trpc/client";
import { exportHref } from "./export-href";
import { NodeStateBadge } from "./node-state-badge";
import { queryState } from "./query-state";
import { TimeControls } from "./time-controls";
import type { NodeRow } from "./types";
import { useTimeRange } from "./use-time-range";

/** Every gateway node (a Kong process: a restart brings a new id), with its state and traffic. */
export function NodesView() {
  const time = useTimeRange();
  const [list, setList] = useQueryStates(listParams);
  const trpc = useTRPC();
  const q = useQuery(
    trpc.dashboard.nodes.queryOptions(
      { range: time.input },
      { refetchInterval: time.refetchInterval, placeholderData: keepPreviousData },
    ),
  );
  const columns: Column<NodeRow>[] = [
    {
      key: "hostname",
      header: "Hostname",
      cell: (r) => (
        <Link href={`/nodes/${r.id}`} className="font-medium text-accent hover:underline">
          {r.hostname}
        </Link>
      ),
      sortValue: (r) => r.hostname,
    },
    {
      key: "id",
      header: "Node id",
      cell: (r) => <span className="font-mono text-xs text-muted">{r.id}</span>,
    },
    { key: "version", header: "Version", cell: (r) => r.version ?? "—", sortValue: (r) => r.version },
    {
      key: "state",
      header: "State",
      cell: (r) => <NodeStateBadge state={r.state} />,
      sortValue: (r) => r.state,
    },
    {
      key: "firstSeen",
      header: "First seen",
      cell: (r) => formatDateTime(r.firstSeen, time.tz),
      sortValue: (r) => r.firstSeen,
    },
    {
      key: "lastSeen",
      header: "Last seen",
      cell: (r) => formatDateTime(r.lastSeen, time.tz),
      sortValue: (r) => r.lastSeen,
    },
    numericColumn("requests", "Requests", (r) => r.requests, formatCount),
    numericColumn("p95", "p95 proxy", (r) => r.p95Ms, formatMs),
    numericColumn("errorRate", "Error rate", (r) => r.errorRate, formatPercent),
  ];
  return (
    <>
      <PageHeader
        title="Nodes"
        description="Gateway nodes: live, idle (reporting, no traffic) or silent (not reporting)"
        actions={<TimeControls time={time} />}
      />
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <input
          type="search"
          aria-label="Search nodes"
          placeholder="Search nodes…"
          value={list.q}
          onChange={(e) => setList({ q: e.target.value || null })}
          className="h-8 w-full max-w-xs rounded-md border border-border bg-surface px-3 text-sm"
        />
        <DownloadLink
          href={exportHref("nodes", time.input, {}, time.tz)}
          label="Download nodes table as CSV"
        />
      </div>
      <StatePanel {...queryState(q)} minHeight={200}>
        <DataTable
          caption="Gateway nodes"
          columns={columns}
          rows={q.data?.rows ?? []}
          rowKey={(r) => r.id}
          sort={{ key: list.sort, dir: list.dir }}
          onSort={(sort, dir) => setList({ sort, dir })}
          query={list.q}
          searchText={(r) => `${r.hostname} ${r.id} ${r.version ?? ""}`}
        />
      </StatePanel>
    </>
  );
}
