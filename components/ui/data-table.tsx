"use client";

import type { ReactNode } from "react";

export type Column<T> = {
  key: string;
  header: string;
  cell: (row: T) => ReactNode;
  /** present when the column sorts; nulls sort last either way */
  sortValue?: (row: T) => number | string | null;
  align?: "left" | "right";
};

/** A right-aligned numeric column that sorts by the value it formats. */
export function numericColumn<T, V extends number | null>(
  key: string,
  header: string,
  value: (row: T) => V,
  format: (v: V) => ReactNode,
): Column<T> {
  return { key, header, cell: (row) => format(value(row)), sortValue: value, align: "right" };
}

type Props<T> = {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  sort?: { key: string; dir: "asc" | "desc" };
  onSort?: (key: string, dir: "asc" | "desc") => void;
  /** free-text filter applied to `searchText(row)` */
  query?: string;
  searchText?: (row: T) => string;
};

function compare(a: number | string | null, b: number | string | null): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
}

/** A sortable, searchable table with a caption; sort state is the caller's (kept in the URL). */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  sort,
  onSort,
  query = "",
  searchText,
}: Props<T>) {
  const needle = query.trim().toLowerCase();
  const filtered =
    needle && searchText ? rows.filter((r) => searchText(r).toLowerCase().includes(needle)) : rows;
  const col = columns.find((c) => c.key === sort?.key && c.sortValue);
  const sorted = col?.sortValue
    ? [...filtered].sort((a, b) => {
        const va = col.sortValue!(a);
        const vb = col.sortValue!(b);
        if (va === null || vb === null) return compare(va, vb);
        return sort?.dir === "asc" ? compare(va, vb) : compare(vb, va);
      })
    : filtered;
  return (
    <div className="overflow-x-auto rounded-lg border border-border bg-surface">
      <table className="w-full border-collapse text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="border-b border-border bg-surface-muted/60 text-xs text-muted">
            {columns.map((c) => {
              const active = sort?.key === c.key;
              const dir = active ? sort?.dir : undefined;
              return (
                <th
                  key={c.key}
                  scope="col"
                  aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : undefined}
                  className={`whitespace-nowrap px-3 py-2 font-medium ${c.align === "right" ? "text-right" : "text-left"}`}
                >
                  {c.sortValue && onSort ? (
                    <button
                      type="button"
                      onClick={() => onSort(c.key, active && dir === "desc" ? "asc" : "desc")}
                      className="inline-flex items-center gap-1 hover:text-foreground"
                    >
                      {c.header}
                      <span aria-hidden className={active ? "text-foreground" : "opacity-30"}>
                        {dir === "asc" ? "▲" : "▼"}
                      </span>
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={rowKey(r)} className="border-b border-border last:border-0 hover:bg-surface-muted/40">
              {columns.map((c) => (
                <td
                  key={c.key}
                  className={`whitespace-nowrap px-3 py-2 tabular-nums ${c.align === "right" ? "text-right" : "text-left"}`}
                >
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
          {sorted.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="px-3 py-8 text-center text-muted">
                {needle ? `Nothing matches “${query}”` : "No traffic in this range"}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
