"use client";

import { useQuery } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { formatCount } from "@/components/ui/format";
import { StatePanel } from "@/components/ui/state-panel";
import { useTRPC } from "@/lib/trpc/client";

const REFRESH_MS = 3_000;

function formatWhen(date: Date | null): string {
  if (!date) return "never";
  const seconds = Math.max(0, Math.round((Date.now() - date.getTime()) / 1000));
  const ago =
    seconds < 60 ? `${seconds} s ago` : seconds < 3600 ? `${Math.floor(seconds / 60)} min ago` : null;
  return ago ? `${ago} (${date.toISOString()})` : date.toISOString();
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="flex flex-col gap-0.5">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums" title={hint}>
        {value}
      </dd>
    </div>
  );
}

/**
 * Delivery health of a statsd plugin instance (issue #6): lines sent, dropped, retrying, queued, and the
 * last error, summed over every Gatewatch instance and refreshed every few seconds.
 */
export function StatsdDelivery({ pluginId }: { pluginId: string }) {
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.statsd.delivery.queryOptions({ pluginId }),
    refetchInterval: REFRESH_MS,
  });
  const d = query.data;
  const tone = !d ? "neutral" : d.retryingBatches > 0 ? "danger" : d.droppedLines > 0 ? "warning" : "success";
  const state = !d ? "" : d.retryingBatches > 0 ? "Retrying" : d.sentLines > 0 ? "Delivering" : "Idle";
  return (
    <Card>
      <CardHeader
        id={`statsd-delivery-${pluginId}`}
        title="StatsD delivery"
        description="Lines sent to the StatsD server by this plugin instance, over all Gatewatch instances."
        actions={d ? <Badge tone={tone}>{state}</Badge> : null}
      />
      <StatePanel isLoading={query.isPending} error={query.error} minHeight={96}>
        {d ? (
          <div className="flex flex-col gap-3">
            <dl className="grid grid-cols-2 gap-4 sm:grid-cols-5">
              <Stat
                label="Lines sent"
                value={formatCount(d.sentLines)}
                hint={`${formatCount(d.sentPackets)} packets, ${formatCount(d.sentBytes)} bytes`}
              />
              <Stat label="Lines dropped" value={formatCount(d.droppedLines)} />
              <Stat label="Batches retrying" value={formatCount(d.retryingBatches)} />
              <Stat label="Lines queued" value={formatCount(d.queuedLines)} />
              <Stat label="Failed attempts" value={formatCount(d.failedAttempts)} />
            </dl>
            <dl className="grid gap-1 text-sm sm:grid-cols-[max-content_1fr] sm:gap-x-4">
              <dt className="text-muted">Last sent</dt>
              <dd>{formatWhen(d.lastSentAt)}</dd>
              <dt className="text-muted">Last error</dt>
              <dd className={d.lastError ? "text-danger" : undefined}>
                {d.lastError ? (
                  <>
                    <span className="font-mono text-xs break-all">{d.lastError}</span>{" "}
                    <span className="text-muted">{formatWhen(d.lastErrorAt)}</span>
                  </>
                ) : (
                  "none"
                )}
              </dd>
            </dl>
          </div>
        ) : null}
      </StatePanel>
    </Card>
  );
}
