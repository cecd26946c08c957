import { describe, expect, it } from "vitest";
import { PALETTE } from "@/components/charts/chart-utils";
import { healthRows, type Overlay, overlaySeries } from "../health-data";
import type { HealthSeries } from "../types";

const range = { from: 100, to: 103, interval: "seconds", step: 1 } as HealthSeries["range"];
const point = (ts: number) =>
  ({
    ts,
    state: "live",
    requests: 2,
    rps: 2,
    cacheHits: 1,
    cacheMisses: 1,
    cacheHitRatio: 0.5,
    proxy: { min: 1, max: 3, avg: 2, p50: 2, p95: 3, p99: 3 },
    upstream: { min: 5, max: 9, avg: 7, p50: 7, p95: 9, p99: 9 },
    status: { "1xx": 0, "2xx": 2, "3xx": 0, "4xx": 0, "5xx": 0, other: 0 },
    bytesIn: 10,
    bytesOut: 20,
  }) as HealthSeries["points"][number];
const cluster: HealthSeries = { range, points: [100, 101, 102].map(point) };

const overlay = (nodeId: string, hostname: string, tss: number[]): Overlay => ({
  range,
  nodeId,
  hostname,
  points: tss.map((ts) => ({
    ts,
    state: "live",
    requests: 1,
    rps: 1,
    proxyAvg: 4,
    upstreamAvg: 8,
    cacheHitRatio: 0.25,
  })),
});
const A = "0a0a0a0a-0000-4000-8000-000000000001";
const B = "0b0b0b0b-0000-4000-8000-000000000002";

describe("overview chart rows with overlay nodes", () => {
  it("colours a node by its place in the selection, as its chip, whichever line has loaded", () => {
    const b = overlay(B, "gw-b", [100]);
    // A was chosen first and has not loaded yet: B keeps the second colour.
    expect(overlaySeries([undefined, b], "rps")).toEqual([
      { key: "n0b0b0b0b000040008000000000000002_rps", label: "gw-b", color: PALETTE[3], dashed: true },
    ]);
    const both = overlaySeries([overlay(A, "gw-a", [100]), b], "pAvg", " avg");
    expect(both.map((s) => [s.label, s.color])).toEqual([
      ["gw-a avg", PALETTE[2]],
      ["gw-b avg", PALETTE[3]],
    ]);
  });

  it("merges each loaded overlay into the cluster's buckets and drops points outside them", () => {
    // B's query resolved its relative range a second later: its bucket 103 is not on the cluster's chart.
    const rows = healthRows(cluster, [undefined, overlay(B, "gw-b", [101, 102, 103])]);
    expect(rows.map((r) => r.t)).toEqual([100, 101, 102]);
    const key = "n0b0b0b0b000040008000000000000002_";
    expect(rows.map((r) => r[`${key}rps`])).toEqual([undefined, 1, 1]);
    expect(rows[1]).toMatchObject({ rps: 2, [`${key}pAvg`]: 4, [`${key}uAvg`]: 8, [`${key}ratio`]: 25 });
  });
});
