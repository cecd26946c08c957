import { describe, expect, it } from "vitest";
import { LEGACY_BOUNDS, leLabels, UNION_BOUNDS, unionBucketOf } from "../families";
import { escapeLegacy, escapeModern, formatValue, renderExposition } from "../render";

describe("Kong's number and label formats", () => {
  it("prints values like Lua's %.14g", () => {
    expect(formatValue(0)).toBe("0");
    expect(formatValue(1852)).toBe("1852");
    expect(formatValue(2.5)).toBe("2.5");
    expect(formatValue(1 / 3)).toBe("0.33333333333333");
    expect(formatValue(123456789012346)).toBe("1.2345678901235e+14");
    expect(formatValue(1e14)).toBe("1e+14");
    expect(formatValue(99999999999999)).toBe("99999999999999");
  });

  it("pads legacy le with Kong's %07.1f template, plain in 3.x (kong-plugins §1a.3)", () => {
    const padded = leLabels(LEGACY_BOUNDS, true);
    expect(padded.slice(0, 3)).toEqual(["00001.0", "00002.0", "00005.0"]);
    expect(padded.slice(-3)).toEqual(["30000.0", "60000.0", "+Inf"]);
    expect(padded).toHaveLength(27);
    expect(leLabels([25, 50], false)).toEqual(["25", "50", "+Inf"]);
    expect(leLabels([0.5, 1, 2.25], true)).toEqual(["0.50", "1.00", "2.25", "+Inf"]);
  });

  it("escapes label values the legacy way (strip non-printable ASCII) and the 3.x way", () => {
    expect(escapeLegacy('a"b\\c\nd\u00e9e')).toBe('a\\"b\\\\cde');
    expect(escapeLegacy("example.com")).toBe("example.com");
    expect(escapeModern('a"b\\c\u00e9')).toBe('a\\"b\\\\c\u00e9');
    expect(escapeModern("a\nb")).toBe("a\\nb");
  });

  it("buckets latencies with le semantics (v <= bound) over the union of both formats' bounds", () => {
    expect(unionBucketOf(0)).toBe(0);
    expect(unionBucketOf(1)).toBe(0);
    expect(unionBucketOf(2)).toBe(1);
    expect(UNION_BOUNDS[unionBucketOf(60000)]).toBe(60000);
    expect(unionBucketOf(60001)).toBe(UNION_BOUNDS.length);
  });
});

describe("renderExposition", () => {
  it("orders families and series byte-wise on Kong's stored keys, histograms bucket/count/sum", () => {
    const text = renderExposition([
      {
        type: "counter",
        name: "http_status",
        help: "h",
        labels: ['code="404",service="b"', 'code="200",service="b"'],
        values: [1, 2],
      },
      { type: "counter", name: "http_status_total", help: "t", labels: ['code="200"'], values: [2] },
      { type: "gauge", name: "datastore_reachable", help: "d", labels: [""], values: [1] },
      {
        type: "histogram",
        name: "latency",
        help: "l",
        le: ["00001.0", "+Inf"],
        labels: ['type="request",service="b"', 'type="kong",service="b"'],
        buckets: [0, 3, 1, 1],
        counts: [3, 1],
        sums: [30, 1],
      },
      { type: "counter", name: "empty", help: "never printed", labels: [], values: [] },
    ]);
    expect(text).toBe(`# HELP kong_datastore_reachable d
# TYPE kong_datastore_reachable gauge
kong_datastore_reachable 1
# HELP kong_http_status_total t
# TYPE kong_http_status_total counter
kong_http_status_total{code="200"} 2
# HELP kong_http_status h
# TYPE kong_http_status counter
kong_http_status{code="200",service="b"} 2
kong_http_status{code="404",service="b"} 1
# HELP kong_latency l
# TYPE kong_latency histogram
kong_latency_bucket{type="kong",service="b",le="00001.0"} 1
kong_latency_bucket{type="kong",service="b",le="+Inf"} 1
kong_latency_bucket{type="request",service="b",le="00001.0"} 0
kong_latency_bucket{type="request",service="b",le="+Inf"} 3
kong_latency_count{type="kong",service="b"} 1
kong_latency_count{type="request",service="b"} 3
kong_latency_sum{type="kong",service="b"} 1
kong_latency_sum{type="request",service="b"} 30
`);
  });

  it("keeps the order right when the same labels come back in another order (order cache)", () => {
    const family = (labels: string[], values: number[]) => [
      { type: "counter" as const, name: "cache_probe", help: "p", labels, values },
    ];
    const first = renderExposition(family(['s="a"', 's="b"'], [1, 2]));
    const second = renderExposition(family(['s="b"', 's="a"'], [2, 1]));
    expect(second).toBe(first);
    expect(renderExposition(family(['s="b"', 's="a"'], [5, 6]))).toContain('kong_cache_probe{s="a"} 6\n');
  });
});
