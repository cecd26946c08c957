"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader, PageHeader } from "@/components/ui/card";
import { StatePanel } from "@/components/ui/state-panel";
import { useTRPC } from "@/lib/trpc/client";
import { queryState } from "./query-state";

function duration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-center justify-between gap-4 border-b border-border py-2 text-sm last:border-0">
      <dt className="text-muted">{label}</dt>
      <dd className="text-right font-medium">{children}</dd>
    </div>
  );
}

const yesNo = (on: boolean) => (
  <Badge tone={on ? "success" : "neutral"}>{on ? "configured" : "not set"}</Badge>
);

/** Read-only configuration: it comes from the environment (DESIGN §7), so the page says what is set. */
export function SettingsView() {
  const trpc = useTRPC();
  const q = useQuery(trpc.system.settings.queryOptions());
  const s = q.data;
  return (
    <>
      <PageHeader
        title="Settings"
        description="Configured through environment variables; shown here read-only"
      />
      <StatePanel {...queryState(q)} minHeight={240}>
        {s ? (
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
            <Card>
              <CardHeader title="Database" />
              <dl>
                <Row label="Kind">
                  {s.database.kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : "PGlite (embedded)"}
                </Row>
                <Row label="Reachable">
                  <Badge tone={s.database.reachable ? "success" : "danger"}>
                    {s.database.reachable ? "yes" : "no"}
                  </Badge>
                </Row>
                <Row label="Migrations applied">{s.database.migrations}</Row>
              </dl>
            </Card>
            <Card>
              <CardHeader title="Retention" description="How long each rollup level is kept" />
              <dl>
                <Row label="1 s buckets">{duration(s.retention.seconds)}</Row>
                <Row label="1 min buckets">{duration(s.retention.minutes)}</Row>
                <Row label="1 h buckets">{duration(s.retention.hours)}</Row>
              </dl>
            </Card>
            <Card>
              <CardHeader title="Ingest" description="Where gateway nodes push traffic" />
              <dl>
                <Row label="Native batches">
                  <code className="font-mono text-xs">POST {s.ingest.endpoint}</code>
                </Row>
                <Row label="Kong http-log">
                  <code className="font-mono text-xs">
                    POST {s.ingest.kongEndpoint}?node_id=…&amp;hostname=…
                  </code>
                </Row>
                <Row label="INGEST_TOKEN">{yesNo(s.ingest.tokenConfigured)}</Row>
              </dl>
            </Card>
            <Card>
              <CardHeader title="Metrics" description="Prometheus exposition of ingested traffic" />
              <dl>
                <Row label="Endpoint">
                  <code className="font-mono text-xs">GET {s.metrics.endpoint}</code>
                </Row>
                <Row label="METRICS_TOKEN">{yesNo(s.metrics.tokenConfigured)}</Row>
                <Row label="METRICS_PORT">{s.metrics.port ?? "same port as the UI"}</Row>
              </dl>
            </Card>
            <Card>
              <CardHeader title="About" />
              <dl>
                <Row label="Gatewatch version">{s.version}</Row>
              </dl>
            </Card>
          </div>
        ) : null}
      </StatePanel>
    </>
  );
}
