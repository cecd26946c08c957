"use client";

import { PALETTE } from "@/components/charts/chart-utils";
import { NodeStateBadge } from "./node-state-badge";
import type { NodeRow } from "./types";

/**
 * Overlays per-node lines on the cluster charts (Kong Manager's node toggles, §1.8). Selected nodes keep
 * their colour in the order chosen, matching the chart lines.
 */
export function NodeSelector({
  nodes,
  selected,
  onChange,
}: {
  nodes: NodeRow[];
  selected: string[];
  onChange: (ids: string[]) => void;
}) {
  if (nodes.length === 0) return null;
  return (
    <fieldset className="mb-4 flex flex-wrap items-center gap-2">
      <legend className="sr-only">Overlay nodes on the cluster charts</legend>
      <span aria-hidden className="mr-1 text-xs font-medium text-muted">
        Overlay nodes
      </span>
      {nodes.map((n) => {
        const index = selected.indexOf(n.id);
        const on = index >= 0;
        return (
          <button
            key={n.id}
            type="button"
            aria-pressed={on}
            aria-label={`Overlay node ${n.hostname}`}
            title={n.id}
            onClick={() => onChange(on ? selected.filter((id) => id !== n.id) : [...selected, n.id])}
            className={`inline-flex h-7 items-center gap-1.5 rounded-full border px-2.5 text-xs ${
              on
                ? "border-accent bg-accent/10 text-foreground"
                : "border-border bg-surface text-muted hover:text-foreground"
            }`}
          >
            <span
              aria-hidden
              className="inline-block h-0.5 w-3"
              style={{
                borderTop: `2px dashed ${on ? PALETTE[(index + 2) % PALETTE.length] : "var(--border)"}`,
              }}
            />
            {n.hostname}
            <NodeStateBadge state={n.state} compact />
          </button>
        );
      })}
      {selected.length > 0 ? (
        <button type="button" onClick={() => onChange([])} className="text-xs text-accent hover:underline">
          Clear
        </button>
      ) : null}
    </fieldset>
  );
}
