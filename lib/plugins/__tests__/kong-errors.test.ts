import { describe, expect, it } from "vitest";
import {
  flatKongIssues,
  kongSchemaViolationMessage,
  kongUniqueViolationMessage,
  luaPretty,
  prometheusConfigSchema,
  statsdConfigSchema,
  toKongFieldErrors,
  validatePluginInput,
} from "..";
import { kongSchemaJson } from "../kong-schema";
import { statsdConfigField, validateHost } from "../statsd";

const CONDITIONAL = "failed conditional validation given value of field 'stat_type'";

describe("Kong error tree from zod issues", () => {
  it("rebuilds arrays with null holes and @entity lists", () => {
    const r = statsdConfigSchema.safeParse({
      metrics: [
        { name: "latency", stat_type: "timer" },
        { name: "request_count", stat_type: "counter" },
        { name: "latency", stat_type: "timer" },
        { stat_type: "set" },
      ],
    });
    expect(r.success).toBe(false);
    const fields = toKongFieldErrors(r.error!);
    expect(fields).toEqual({
      metrics: [
        null,
        { sample_rate: "required field missing", "@entity": [CONDITIONAL] },
        null,
        { name: "required field missing" },
      ],
    });
    // zod paths are what react-hook-form keys errors by.
    expect(r.error!.issues.map((i) => i.path.join("."))).toEqual([
      "metrics.1.sample_rate",
      "metrics.1.@entity",
      "metrics.3.name",
    ]);
  });

  it("round-trips through flat issues", () => {
    const tree = {
      config: { metrics: [null, { sample_rate: "required field missing", "@entity": [CONDITIONAL] }] },
      protocols: ["expected one of: grpc"],
    };
    const flat = flatKongIssues(tree);
    expect(flat).toEqual([
      { path: "config.metrics[1].sample_rate", message: "required field missing" },
      { path: "config.metrics[1].@entity", message: CONDITIONAL },
      { path: "protocols[0]", message: "expected one of: grpc" },
    ]);
  });

  it("accepts a valid config and fills defaults, rejecting unknown fields", () => {
    expect(prometheusConfigSchema.parse({ per_consumer: true })).toEqual({
      per_consumer: true,
      status_code_metrics: false,
      latency_metrics: false,
      bandwidth_metrics: false,
      upstream_health_metrics: false,
      ai_metrics: false,
    });
    const r = prometheusConfigSchema.safeParse({ bogus: 1 });
    expect(toKongFieldErrors(r.error!)).toEqual({ bogus: "unknown field" });
  });
});

describe("Kong messages", () => {
  it("pretty-prints Lua tables as Penlight does", () => {
    expect(luaPretty([null, { sample_rate: "required field missing", "@entity": [CONDITIONAL] }])).toBe(
      `{\n  [2] = {\n    ["@entity"] = {\n      "${CONDITIONAL}"\n    },\n    sample_rate = "required field missing"\n  }\n}`,
    );
    expect(luaPretty(["a", "b"])).toBe(`{\n  "a",\n  "b"\n}`);
    expect(luaPretty({ end: "x", "a-b": 'q"' })).toBe(`{\n  ["a-b"] = "q\\"",\n  ["end"] = "x"\n}`);
  });

  it("builds schema violation messages: @entity first, sorted keys, counts", () => {
    expect(kongSchemaViolationMessage({ name: "required field missing" })).toBe(
      "schema violation (name: required field missing)",
    );
    expect(
      kongSchemaViolationMessage({
        service: { protocol: "expected one of: http" },
        protocols: ["expected one of: http"],
        "@entity": ["e1"],
      }),
    ).toBe(
      "3 schema violations (e1; protocols.1: expected one of: http; service.protocol: expected one of: http)",
    );
  });

  it("prints unique keys on one line with nulls", () => {
    expect(
      kongUniqueViolationMessage({ service: { id: "s" }, name: "statsd", route: null, consumer: null }),
    ).toBe(`UNIQUE violation detected on '{consumer=null,name="statsd",route=null,service={id="s"}}'`);
  });
});

describe("statsd schema rules", () => {
  it("validates hosts like Kong's host typedef", () => {
    expect(validateHost("localhost")).toBeNull();
    expect(validateHost("10.0.0.1")).toBeNull();
    expect(validateHost("::1")).toBeNull();
    expect(validateHost("statsd.local:8125")).toBe("must not have a port");
    expect(validateHost("[::1]:8125")).toBe("must not have a port");
    expect(validateHost("bad host")).toBe("invalid value: bad host");
  });

  it("stat_type missing replaces the required error; a failed field skips the conditional", () => {
    const r = statsdConfigSchema.safeParse({
      metrics: [{ name: "latency" }, { name: "latency", stat_type: "counter", sample_rate: -1 }],
    });
    expect(toKongFieldErrors(r.error!)).toEqual({
      metrics: [
        { stat_type: "field required for entity check" },
        { sample_rate: "value must be greater than 0" },
      ],
    });
  });

  it("an empty metrics array is accepted; the plugin entity rejects a non-record config", () => {
    expect(statsdConfigSchema.parse({ metrics: [] }).metrics).toEqual([]);
    expect(validatePluginInput({ name: "statsd", config: "x" }).errors).toEqual({
      config: "expected a record",
    });
  });

  it("serves Kong's schema JSON", () => {
    const json = kongSchemaJson(statsdConfigField) as { fields: Record<string, Record<string, unknown>>[] };
    const byName = Object.assign({}, ...json.fields) as Record<string, Record<string, unknown>>;
    expect(Object.keys(byName)).toEqual([
      "host",
      "port",
      "prefix",
      "metrics",
      "allow_status_codes",
      "udp_packet_size",
      "use_tcp",
      "hostname_in_prefix",
      "consumer_identifier_default",
      "service_identifier_default",
      "workspace_identifier_default",
      "retry_count",
      "queue_size",
      "flush_timeout",
      "tag_style",
      "queue",
    ]);
    expect(byName.tag_style).toMatchObject({
      type: "string",
      one_of: ["dogstatsd", "influxdb", "librato", "signalfx"],
    });
    expect(byName.allow_status_codes).toMatchObject({
      elements: { type: "string", match: "^[0-9]+-[0-9]+$" },
    });
  });
});
