"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useQueryStates } from "nuqs";
import { buttonClass } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/card";
import { type Column, DataTable, numericColumn } from "@/components/ui/data-table";
import { DownloadLink } from "@/components/ui/download-link";
import { EMPTY, formatCount, formatDateTime, formatMs, formatPercent } from "@/components/ui/format";
import { StatePanel } from "@/components/ui/state-panel";
import { listParams } from "@/lib/search-params";
import { useTRPC } from "@/lib/trpc/client";
import { ENTITY_META } from "./entity-kinds";
import { exportHref } from "./export-href";
import { queryState } from "./query-state";
import { TimeControls } from "./time-controls";
import type { EntityKind, EntityRow } from "./types";
import { useTimeRange } from "./use-time-range";

/** Services, Routes, Consumers or APIs: traffic per entity for the range, sortable and searchable. */
export function EntityListView({ kind }: { kind: EntityKind }) {
  const meta = ENTITY_META[kind];
  const time = useTimeRange();
  const [list, setList] = useQueryStates(listParams);
  const trpc = useTRPC();
  const q = useQuery(
    trpc.dashboard.entities.queryOptions(
      { range: time.input, kind },
      { refetchInterval: time.refetchInterval, placeholderData: keepPreviousData },
    ),
  );
  const columns: Column<EntityRow>[] = [
    {
      key: "name",
      header: "Name",
      cell: (r) => (
        <Link href={`${meta.path}/${r.id}`} className="font-medium text-accent hover:underline">
          {r.name ?? r.id}
        </Link>
      ),
      sortValue: (r) => r.name ?? r.id,
    },
    numericColumn("requests", "Requests", (r) => r.requests, formatCount),
    numericColumn("errorRate", "Error rate", (r) => r.errorRate, formatPercent),
    numericColumn("status4xx", "4xx", (r) => r.status4xx, formatCount),
    numericColumn("status5xx", "5xx", (r) => r.status5xx, formatCount),
    numericColumn("p95", "p95 latency", (r) => r.p95Ms, formatMs),
    {
      key: "lastSeen",
      header: "Last traffic",
      cell: (r) => (r.lastSeen === null ? EMPTY : formatDateTime(r.lastSeen, time.tz)),
      sortValue: (r) => r.lastSeen,
      align: "right",
    },
  ];
  return (
    <>
      <PageHeader
        title={meta.title}
        description={meta.description}
        actions={
          <>
            <Link href={`${meta.path}/new`} className={buttonClass("primary")}>
              New {meta.singular}
            </Link>
            <TimeControls time={time} />
          </>
        }
      />
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <input
          type="search"
          aria-label={`Search ${meta.title.toLowerCase()}`}
          placeholder={`Search ${meta.title.toLowerCase()}…`}
          value={list.q}
          onChange={(e) => setList({ q: e.target.value || null })}
          className="h-8 w-full max-w-xs rounded-md border border-border bg-surface px-3 text-sm"
        />
        <DownloadLink
          href={exportHref("entities", time.input, { kind }, time.tz)}
          label={`Download ${meta.title} table as CSV`}
        />
      </div>
      <StatePanel {...queryState(q)} minHeight={200}>
        <DataTable
          caption={`${meta.title} traffic, ${time.absolute ? "custom range" : time.params.range}`}
          columns={columns}
          rows={q.data?.rows ?? []}
          rowKey={(r) => r.id}
          sort={{ key: list.sort, dir: list.dir }}
          onSort={(sort, dir) => setList({ sort, dir })}
          query={list.q}
          searchText={(r) => `${r.name ?? ""} ${r.id}`}
        />
      </StatePanel>
    </>
  );
}
