import { describe, expect, it } from "vitest";
import { STATSD_STAT_TYPES, type StatsdMetric } from "@/lib/plugins/statsd";
import { compileStatsdFormatter, compileStatusFilter, formatLuaNumber } from "../format";
import { combineDatagrams, tcpPayload } from "../packets";
import {
  API_ID,
  CONSUMER_ID,
  event,
  ROUTE_ID,
  SERVICE_ID,
  statsdConfig,
  unmatchedEvent,
  WORKSPACE_ID,
} from "./helpers";

const HOST = "gw-1.example.com";
const metric = (m: Partial<StatsdMetric> & Pick<StatsdMetric, "name" | "stat_type">) => m;
/** Formats one event, and checks that `count` agrees with what `format` wrote. */
const lines = (config: Record<string, unknown>, e = event(), host = HOST) => {
  const formatter = compileStatsdFormatter(statsdConfig(config));
  const out = formatter.format(e, host);
  expect(formatter.count(e)).toBe(out.length);
  return out;
};
const withShdict = (
  config: Record<string, unknown>,
  shdict?: Parameters<ReturnType<typeof compileStatsdFormatter>["format"]>[2],
) => {
  const formatter = compileStatsdFormatter(statsdConfig(config));
  const out = formatter.format(event(), HOST, shdict);
  expect(formatter.count(event(), shdict)).toBe(out.length);
  return out;
};

describe("default metrics, no tags (kong-plugins §1d.2)", () => {
  it("matches Kong's worked example line for line, in the order of the metrics list", () => {
    expect(lines({})).toEqual([
      "kong.service.statsd1.request.count:1|c",
      "kong.service.statsd1.latency:7|ms",
      "kong.service.statsd1.request.size:112|c",
      "kong.service.statsd1.status.200:1|c",
      "kong.service.statsd1.response.size:321|c",
      "kong.service.statsd1.user.uniques:robert|s",
      "kong.service.statsd1.user.robert.request.count:1|c",
      "kong.service.statsd1.upstream_latency:4|ms",
      "kong.service.statsd1.kong_latency:3|ms",
      "kong.service.statsd1.user.robert.status.200:1|c",
      `kong.service.statsd1.workspace.${WORKSPACE_ID}.status.200:1|c`,
      `kong.route.${ROUTE_ID}.user.robert.status.200:1|c`,
    ]);
  });

  it("writes each generic metric with its configured stat type suffix", () => {
    const suffix = { counter: "c", gauge: "g", timer: "ms", histogram: "h", meter: "m", set: "s" };
    for (const stat_type of STATSD_STAT_TYPES) {
      const sample_rate = stat_type === "counter" || stat_type === "gauge" ? 1 : undefined;
      const metrics = [
        "request_count",
        "latency",
        "request_size",
        "response_size",
        "upstream_latency",
        "kong_latency",
      ].map((name) => ({ name, stat_type, sample_rate }));
      expect(lines({ metrics })).toEqual([
        `kong.service.statsd1.request.count:1|${suffix[stat_type]}`,
        `kong.service.statsd1.latency:7|${suffix[stat_type]}`,
        `kong.service.statsd1.request.size:112|${suffix[stat_type]}`,
        `kong.service.statsd1.response.size:321|${suffix[stat_type]}`,
        `kong.service.statsd1.upstream_latency:4|${suffix[stat_type]}`,
        `kong.service.statsd1.kong_latency:3|${suffix[stat_type]}`,
      ]);
    }
  });

  it("keeps c and s for the status, per-user and unique metrics whatever stat_type says", () => {
    const metrics = [
      "status_count",
      "unique_users",
      "request_per_user",
      "status_count_per_user",
      "status_count_per_workspace",
      "status_count_per_user_per_route",
    ].map((name) => ({ name, stat_type: "timer" }));
    expect(lines({ metrics })).toEqual([
      "kong.service.statsd1.status.200:1|c",
      "kong.service.statsd1.user.uniques:robert|s",
      "kong.service.statsd1.user.robert.request.count:1|c",
      "kong.service.statsd1.user.robert.status.200:1|c",
      `kong.service.statsd1.workspace.${WORKSPACE_ID}.status.200:1|c`,
      `kong.route.${ROUTE_ID}.user.robert.status.200:1|c`,
    ]);
  });

  it("annotates |@rate with each metric's own rate, never for 1, never for the set line", () => {
    const metrics = [
      metric({ name: "request_count", stat_type: "counter", sample_rate: 0.5 }),
      metric({ name: "latency", stat_type: "gauge", sample_rate: 0.25 }),
      metric({ name: "request_size", stat_type: "counter", sample_rate: 1 }),
      metric({ name: "status_count", stat_type: "counter", sample_rate: 0.1 }),
      metric({ name: "unique_users", stat_type: "set", sample_rate: 0.5 }),
      metric({ name: "request_per_user", stat_type: "counter", sample_rate: 0.00001 }),
      metric({ name: "kong_latency", stat_type: "timer", sample_rate: 0.75 }),
      metric({ name: "status_count_per_user", stat_type: "counter", sample_rate: 2 }),
      metric({ name: "status_count_per_workspace", stat_type: "counter", sample_rate: 0.3 }),
      metric({ name: "status_count_per_user_per_route", stat_type: "counter", sample_rate: 0.9 }),
    ];
    expect(lines({ metrics })).toEqual([
      "kong.service.statsd1.request.count:1|c|@0.5",
      "kong.service.statsd1.latency:7|g|@0.25",
      "kong.service.statsd1.request.size:112|c",
      "kong.service.statsd1.status.200:1|c|@0.1",
      "kong.service.statsd1.user.uniques:robert|s",
      "kong.service.statsd1.user.robert.request.count:1|c|@1e-05",
      "kong.service.statsd1.kong_latency:3|ms|@0.75",
      "kong.service.statsd1.user.robert.status.200:1|c|@2",
      `kong.service.statsd1.workspace.${WORKSPACE_ID}.status.200:1|c|@0.3`,
      `kong.route.${ROUTE_ID}.user.robert.status.200:1|c|@0.9`,
    ]);
  });

  it("skips upstream_latency when the upstream was never called, and any metric with no value", () => {
    const metrics = [
      { name: "upstream_latency", stat_type: "timer" },
      { name: "latency", stat_type: "timer" },
      { name: "kong_latency", stat_type: "timer" },
    ];
    expect(lines({ metrics }, event({ latProxy: null }))).toEqual([
      "kong.service.statsd1.latency:7|ms",
      "kong.service.statsd1.kong_latency:3|ms",
    ]);
    expect(lines({ metrics }, event({ latProxy: -1, latKong: null }))).toEqual([
      "kong.service.statsd1.latency:7|ms",
    ]);
  });

  it("prints values with Lua's number format", () => {
    const metrics = [{ name: "latency", stat_type: "timer" }];
    expect(lines({ metrics }, event({ latRequest: 12.5 }))).toEqual(["kong.service.statsd1.latency:12.5|ms"]);
    expect(formatLuaNumber(1 / 3)).toBe("0.33333333333333");
    expect(formatLuaNumber(1e15)).toBe("1e+15");
    expect(formatLuaNumber(0.0001)).toBe("0.0001");
    expect(formatLuaNumber(5242880)).toBe("5242880");
  });

  it("uses the prefix, and with hostname_in_prefix inserts node.<hostname with . → _>", () => {
    const metrics = [{ name: "request_count", stat_type: "counter", sample_rate: 1 }];
    expect(lines({ prefix: "edge", metrics })).toEqual(["edge.service.statsd1.request.count:1|c"]);
    expect(lines({ hostname_in_prefix: true, metrics })).toEqual([
      "kong.node.gw-1_example_com.service.statsd1.request.count:1|c",
    ]);
  });
});

describe("identifiers (kong-plugins §1d.2)", () => {
  const count = { name: "request_count", stat_type: "counter", sample_rate: 1 };
  const perUser = { name: "request_per_user", stat_type: "counter", sample_rate: 1 };
  const perWs = { name: "status_count_per_workspace", stat_type: "counter", sample_rate: 1 };

  it("service identifiers: replaces every dot with _, keeps dashes, falls back to service.unnamed", () => {
    const e = event({ serviceName: "orders.v2-eu", serviceHost: "orders.internal" });
    const by = (service_identifier_default: string, ev = e) =>
      lines({ service_identifier_default, metrics: [count] }, ev)[0];
    expect(by("service_id")).toBe(`kong.service.${SERVICE_ID}.request.count:1|c`);
    expect(by("service_name")).toBe("kong.service.orders_v2-eu.request.count:1|c");
    expect(by("service_host")).toBe("kong.service.orders_internal.request.count:1|c");
    expect(by("service_name_or_host")).toBe("kong.service.orders_v2-eu.request.count:1|c");
    const unnamed = event({ serviceName: null, serviceHost: "orders.internal" });
    expect(by("service_name_or_host", unnamed)).toBe("kong.service.orders_internal.request.count:1|c");
    expect(by("service_name", unnamed)).toBe("kong.service.unnamed.request.count:1|c");
  });

  it("a metric's own service_identifier wins over the default", () => {
    const metrics = [count, { ...count, name: "request_size", service_identifier: "service_id" }];
    expect(lines({ service_identifier_default: "service_host", metrics })).toEqual([
      "kong.service.statsd1_example_internal.request.count:1|c",
      `kong.service.${SERVICE_ID}.request.size:112|c`,
    ]);
  });

  it("consumer identifiers are not sanitised; per-user metrics are skipped without a consumer", () => {
    const by = (consumer_identifier: string) => lines({ metrics: [{ ...perUser, consumer_identifier }] })[0];
    expect(by("consumer_id")).toBe(`kong.service.statsd1.user.${CONSUMER_ID}.request.count:1|c`);
    expect(by("custom_id")).toBe("kong.service.statsd1.user.robert.request.count:1|c");
    expect(by("username")).toBe("kong.service.statsd1.user.bob.smith.request.count:1|c");
    expect(lines({ consumer_identifier_default: "username", metrics: [perUser] })).toEqual([
      "kong.service.statsd1.user.bob.smith.request.count:1|c",
    ]);
    const anonymous = event({ consumerId: null, consumerCustomId: null, consumerUsername: null });
    const all = lines({}, anonymous);
    expect(all.filter((l) => l.includes(".user."))).toEqual([]);
    expect(all).toHaveLength(8);
    // A consumer without a custom_id has no identifier under the default.
    expect(lines({ metrics: [perUser] }, event({ consumerCustomId: null }))).toEqual([]);
  });

  it("workspace identifiers", () => {
    expect(lines({ metrics: [perWs] })).toEqual([
      `kong.service.statsd1.workspace.${WORKSPACE_ID}.status.200:1|c`,
    ]);
    expect(lines({ metrics: [{ ...perWs, workspace_identifier: "workspace_name" }] })).toEqual([
      "kong.service.statsd1.workspace.default.status.200:1|c",
    ]);
    expect(lines({ workspace_identifier_default: "workspace_name", metrics: [perWs] })).toEqual([
      "kong.service.statsd1.workspace.default.status.200:1|c",
    ]);
  });

  it("status_count_per_user_per_route needs a route and a consumer, and has no service scope", () => {
    const m = [{ name: "status_count_per_user_per_route", stat_type: "counter", sample_rate: 1 }];
    expect(lines({ metrics: m }, event({ status: 503 }))).toEqual([
      `kong.route.${ROUTE_ID}.user.robert.status.503:1|c`,
    ]);
    expect(lines({ metrics: m }, event({ routeId: null }))).toEqual([]);
    expect(lines({ metrics: m }, event({ consumerCustomId: null }))).toEqual([]);
  });
});

describe("global.unmatched and legacy API traffic (kong-plugins §1d.2, §1d.3)", () => {
  it("an unmatched 404 gives Kong's 6 lines plus the workspace line, and nothing per user or route", () => {
    expect(
      lines({}, unmatchedEvent({ requestSize: 96, responseSize: 251, latRequest: 2, latKong: 1 })),
    ).toEqual([
      "kong.global.unmatched.request.count:1|c",
      "kong.global.unmatched.latency:2|ms",
      "kong.global.unmatched.request.size:96|c",
      "kong.global.unmatched.status.404:1|c",
      "kong.global.unmatched.response.size:251|c",
      "kong.global.unmatched.kong_latency:1|ms",
      `kong.global.unmatched.workspace.${WORKSPACE_ID}.status.404:1|c`,
    ]);
  });

  it("legacy API traffic is scoped api.<name with . → _>", () => {
    const e = event({
      serviceId: null,
      serviceName: null,
      serviceHost: null,
      routeId: null,
      apiId: API_ID,
      apiName: "stastd1.example",
    });
    expect(lines({}, e)).toEqual([
      "kong.api.stastd1_example.request.count:1|c",
      "kong.api.stastd1_example.latency:7|ms",
      "kong.api.stastd1_example.request.size:112|c",
      "kong.api.stastd1_example.status.200:1|c",
      "kong.api.stastd1_example.response.size:321|c",
      "kong.api.stastd1_example.user.uniques:robert|s",
      "kong.api.stastd1_example.user.robert.request.count:1|c",
      "kong.api.stastd1_example.upstream_latency:4|ms",
      "kong.api.stastd1_example.kong_latency:3|ms",
      "kong.api.stastd1_example.user.robert.status.200:1|c",
      `kong.api.stastd1_example.workspace.${WORKSPACE_ID}.status.200:1|c`,
    ]);
  });
});

describe("shdict_usage (kong-plugins §1d.2, §1d.4)", () => {
  const shdict = {
    kong: { capacity: 5242880, freeSpace: 5000000 },
    kong_db_cache: { capacity: 134217728, freeSpace: 1000 },
  };
  const m = [{ name: "shdict_usage", stat_type: "gauge", sample_rate: 1 }];
  const expected = [
    "kong.node.gw-1_example_com.shdict.kong.free_space:5000000|g",
    "kong.node.gw-1_example_com.shdict.kong.capacity:5242880|g",
    "kong.node.gw-1_example_com.shdict.kong_db_cache.free_space:1000|g",
    "kong.node.gw-1_example_com.shdict.kong_db_cache.capacity:134217728|g",
  ];

  it("writes free_space and capacity per dict as gauges, the same name with or without hostname_in_prefix", () => {
    expect(withShdict({ metrics: m }, shdict)).toEqual(expected);
    expect(withShdict({ metrics: m, hostname_in_prefix: true }, shdict)).toEqual(expected);
    // Only the request that carries the node's sample writes them.
    expect(withShdict({ metrics: m })).toEqual([]);
  });

  it("in tag mode: <prefix>.shdict.free_space with node and shdict tags", () => {
    expect(
      withShdict({ metrics: [{ ...m[0], sample_rate: 0.5 }], tag_style: "dogstatsd" }, { kong: shdict.kong }),
    ).toEqual([
      "kong.shdict.free_space:5000000|g|@0.5|#node:gw-1_example_com,shdict:kong",
      "kong.shdict.capacity:5242880|g|@0.5|#node:gw-1_example_com,shdict:kong",
    ]);
  });
});

describe("allow_status_codes (kong-plugins §1d.2, unanchored range match)", () => {
  it("null lets everything through; [] nothing", () => {
    expect(compileStatusFilter(null)(599)).toBe(true);
    expect(compileStatusFilter([])(200)).toBe(false);
  });

  it("bounds are inclusive and any range may match", () => {
    const allow = compileStatusFilter(["200-299", "404-404"]);
    expect([199, 200, 299, 300, 403, 404, 405].map(allow)).toEqual([
      false,
      true,
      true,
      false,
      false,
      true,
      false,
    ]);
  });

  it("reads the first ddd-ddd anywhere in the string, like Kong's regex", () => {
    // "2000-3000" matches as 000-300.
    const allow = compileStatusFilter(["2000-3000"]);
    expect([100, 300, 301, 404].map(allow)).toEqual([true, true, false, false]);
    expect(compileStatusFilter(["1200-2999"])(250)).toBe(true); // 200-299
  });

  it("a range Kong's regex cannot read stops the check (Kong's handler raises)", () => {
    expect(compileStatusFilter(["1-999"])(200)).toBe(false);
    expect(compileStatusFilter(["200-299", "1-999"])(200)).toBe(true);
    expect(compileStatusFilter(["200-299", "1-999"])(500)).toBe(false);
  });
});

describe("tag_style (kong-plugins §1d.4; fixed tag order service, route, workspace, consumer, node, status)", () => {
  const tagged = (tag_style: string, e = event(), extra: Record<string, unknown> = {}) =>
    lines({ tag_style, ...extra }, e);
  const TAGS_DOG = `service:statsd1,route:${ROUTE_ID},workspace:${WORKSPACE_ID},consumer:robert,node:gw-1_example_com,status:200`;
  const TAGS_KV = `service=statsd1,route=${ROUTE_ID},workspace=${WORKSPACE_ID},consumer=robert,node=gw-1_example_com,status=200`;

  it("dogstatsd: only the six generic metrics, unscoped, tags after |#", () => {
    expect(tagged("dogstatsd")).toEqual([
      `kong.request.count:1|c|#${TAGS_DOG}`,
      `kong.latency:7|ms|#${TAGS_DOG}`,
      `kong.request.size:112|c|#${TAGS_DOG}`,
      `kong.response.size:321|c|#${TAGS_DOG}`,
      `kong.upstream_latency:4|ms|#${TAGS_DOG}`,
      `kong.kong_latency:3|ms|#${TAGS_DOG}`,
    ]);
  });

  it("influxdb: tags after a comma in the name", () => {
    expect(tagged("influxdb")).toEqual([
      `kong.request.count,${TAGS_KV}:1|c`,
      `kong.latency,${TAGS_KV}:7|ms`,
      `kong.request.size,${TAGS_KV}:112|c`,
      `kong.response.size,${TAGS_KV}:321|c`,
      `kong.upstream_latency,${TAGS_KV}:4|ms`,
      `kong.kong_latency,${TAGS_KV}:3|ms`,
    ]);
  });

  it("librato: tags after # in the name", () => {
    expect(tagged("librato")).toEqual([
      `kong.request.count#${TAGS_KV}:1|c`,
      `kong.latency#${TAGS_KV}:7|ms`,
      `kong.request.size#${TAGS_KV}:112|c`,
      `kong.response.size#${TAGS_KV}:321|c`,
      `kong.upstream_latency#${TAGS_KV}:4|ms`,
      `kong.kong_latency#${TAGS_KV}:3|ms`,
    ]);
  });

  it("signalfx: tags in square brackets", () => {
    expect(tagged("signalfx")).toEqual([
      `kong.request.count[${TAGS_KV}]:1|c`,
      `kong.latency[${TAGS_KV}]:7|ms`,
      `kong.request.size[${TAGS_KV}]:112|c`,
      `kong.response.size[${TAGS_KV}]:321|c`,
      `kong.upstream_latency[${TAGS_KV}]:4|ms`,
      `kong.kong_latency[${TAGS_KV}]:3|ms`,
    ]);
  });

  it("puts |@rate before the dogstatsd tags and after the type in the other styles", () => {
    const metrics = [{ name: "request_count", stat_type: "counter", sample_rate: 0.5 }];
    expect(tagged("dogstatsd", event(), { metrics })).toEqual([`kong.request.count:1|c|@0.5|#${TAGS_DOG}`]);
    expect(tagged("influxdb", event(), { metrics })).toEqual([`kong.request.count,${TAGS_KV}:1|c|@0.5`]);
    expect(tagged("librato", event(), { metrics })).toEqual([`kong.request.count#${TAGS_KV}:1|c|@0.5`]);
    expect(tagged("signalfx", event(), { metrics })).toEqual([`kong.request.count[${TAGS_KV}]:1|c|@0.5`]);
  });

  it("tag values are not sanitised; route name wins over id; no consumer tag without a consumer", () => {
    const metrics = [{ name: "request_count", stat_type: "counter", sample_rate: 1 }];
    const e = event({
      serviceName: "orders.v2",
      routeName: "orders-v2.route",
      consumerCustomId: null,
      workspaceName: "team.a",
    });
    expect(tagged("dogstatsd", e, { metrics, workspace_identifier_default: "workspace_name" })).toEqual([
      "kong.request.count:1|c|#service:orders.v2,route:orders-v2.route,workspace:team.a,node:gw-1_example_com,status:200",
    ]);
  });

  it("ignores hostname_in_prefix", () => {
    const metrics = [{ name: "request_count", stat_type: "counter", sample_rate: 1 }];
    expect(tagged("signalfx", event(), { metrics, hostname_in_prefix: true })).toEqual([
      `kong.request.count[${TAGS_KV}]:1|c`,
    ]);
  });

  it("sends lines with no tag section when there is no service identifier", () => {
    const metrics = [
      { name: "request_count", stat_type: "counter", sample_rate: 1 },
      { name: "latency", stat_type: "timer" },
    ];
    for (const style of ["dogstatsd", "influxdb", "librato", "signalfx"]) {
      expect(tagged(style, unmatchedEvent(), { metrics })).toEqual([
        "kong.request.count:1|c",
        "kong.latency:7|ms",
      ]);
      expect(
        tagged(style, event({ serviceName: null }), { metrics, service_identifier_default: "service_name" }),
      ).toEqual(["kong.request.count:1|c", "kong.latency:7|ms"]);
    }
  });
});

describe("packet combining (kong-plugins §1d.6)", () => {
  const line = (n: number, tag = "a") => `${tag}:${"x".repeat(n - tag.length - 1)}`;

  it("udp_packet_size 0 sends one datagram per line", () => {
    expect(combineDatagrams(["a:1|c", "b:2|c"], 0)).toEqual(["a:1|c", "b:2|c"]);
  });

  it("joins with \\n and no trailing newline while the buffered size fits", () => {
    expect(combineDatagrams(["a:1|c", "b:2|c", "c:3|c"], 100)).toEqual(["a:1|c\nb:2|c\nc:3|c"]);
    // 5 + 1 + 5 = 11 fits exactly at 11; the next line starts a new datagram.
    expect(combineDatagrams(["a:1|c", "b:2|c", "c:3|c"], 11)).toEqual(["a:1|c\nb:2|c", "c:3|c"]);
  });

  it("lets a datagram exceed the size by one byte after a flush (size 80: 38 bytes, then 81)", () => {
    const a = line(38, "a");
    const b = line(50, "b");
    const c = line(30, "c");
    const out = combineDatagrams([a, b, c], 80);
    expect(out).toEqual([a, `${b}\n${c}`]);
    expect(out.map((d) => Buffer.byteLength(d))).toEqual([38, 81]);
  });

  it("a size smaller than every line gives one line per datagram", () => {
    expect(combineDatagrams(["a:1|c", "bb:2|c", "c:3|c"], 1)).toEqual(["a:1|c", "bb:2|c", "c:3|c"]);
  });

  it("TCP: a newline after every line, udp_packet_size ignored", () => {
    expect(tcpPayload(["a:1|c", "b:2|c"])).toBe("a:1|c\nb:2|c\n");
  });
});
