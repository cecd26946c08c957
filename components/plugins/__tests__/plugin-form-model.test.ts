import { describe, expect, it } from "vitest";
import { STATSD_DEFAULT_METRICS, validatePluginInput } from "@/lib/plugins";
import {
  adminApiRequest,
  curlCommand,
  newPluginValues,
  type PluginFormValues,
  pluginResolver,
  pluginToValues,
  toPluginBody,
} from "../plugin-form-model";

const SERVICE = "5e000000-0000-4000-8000-0000000000a1";

async function resolve(values: PluginFormValues) {
  return pluginResolver(values.name)(values, undefined, { fields: {}, shouldUseNativeValidation: false });
}

function withMetric(values: PluginFormValues, metric: Record<string, unknown>): PluginFormValues {
  const config = values.config as { metrics: unknown[] };
  return { ...values, config: { ...values.config, metrics: [...config.metrics, metric] } };
}

describe("plugin form model", () => {
  it("starts from Kong's defaults with the locked scope", () => {
    const v = newPluginValues("statsd", { service: SERVICE });
    expect(v.service).toEqual({ id: SERVICE });
    expect(v.route).toBeNull();
    expect((v.config as { metrics: unknown[] }).metrics).toEqual(STATSD_DEFAULT_METRICS);
    // The body it produces is valid for the shared schema as it is.
    expect(validatePluginInput(toPluginBody(v)).errors).toBeNull();
  });

  it("turns empty optional inputs into Kong's nulls", () => {
    const body = toPluginBody({ ...newPluginValues("prometheus", {}), instance_name: "  ", tags: [] });
    expect(body.instance_name).toBeNull();
    expect(body.tags).toBeNull();
    expect(body.service).toBeNull();
  });

  it("checks per-field rules in the browser with the shared schema", async () => {
    const v = newPluginValues("statsd", {});
    const bad = { ...v, config: { ...v.config, port: 70000 } };
    const r = await resolve(bad);
    expect(r.errors).toMatchObject({ config: { port: { message: "value should be between 0 and 65535" } } });
    const enumBad = withMetric(v, { name: "nope", stat_type: "timer" });
    const r2 = await resolve(enumBad);
    const metricErrors = (r2.errors as { config: { metrics: Record<number, { name: { message: string } }> } })
      .config.metrics;
    expect(metricErrors[13].name.message).toMatch(/^expected one of: kong_latency, latency, /);
  });

  it("leaves Kong's cross-field entity checks to the server", async () => {
    const v = withMetric(newPluginValues("statsd", {}), {
      name: "request_count",
      stat_type: "counter",
      sample_rate: null,
    });
    // The shared schema does reject it (that is what the server answers)…
    const server = validatePluginInput(toPluginBody(v));
    expect(server.errors).not.toBeNull();
    // …but the form lets it through so the server's fields tree is shown inline.
    const r = await resolve(v);
    expect(r.errors).toEqual({});
    // A per-field error next to a failed entity check still blocks the submit.
    const both = { ...v, config: { ...v.config, prefix: "" } };
    const r2 = await resolve(both);
    expect(Object.keys(r2.errors)).toEqual(["config"]);
    expect(r2.errors).toMatchObject({ config: { prefix: { message: "length must be at least 1" } } });
    expect((r2.errors as { config: Record<string, unknown> }).config.metrics).toBeUndefined();
  });

  it("builds the Admin API twin: nested create when locked, global create, PATCH for edits", () => {
    const body = toPluginBody(newPluginValues("prometheus", { service: SERVICE }));
    const locked = adminApiRequest(body, { mode: "create", lockedKind: "service" });
    expect(locked.method).toBe("POST");
    expect(locked.path).toBe(`/services/${SERVICE}/plugins`);
    expect("service" in locked.body).toBe(false);
    const global = adminApiRequest(body, { mode: "create" });
    expect(global.path).toBe("/plugins");
    expect(global.body.service).toEqual({ id: SERVICE });
    const edit = adminApiRequest(body, { mode: "edit", pluginId: "p1" });
    expect(edit).toMatchObject({ method: "PATCH", path: "/plugins/p1" });
  });

  it("quotes the curl body for a POSIX shell", () => {
    const curl = curlCommand("http://gw:3000", {
      method: "POST",
      path: "/plugins",
      body: { tags: ["it's"] },
    });
    expect(curl).toBe(
      `curl -X POST http://gw:3000/admin-api/plugins -H 'Content-Type: application/json' --data '{"tags":["it'\\''s"]}'`,
    );
  });

  it("round-trips a stored plugin into form values", () => {
    const v = pluginToValues("prometheus", {
      instance_name: null,
      enabled: false,
      protocols: ["http"],
      tags: null,
      service: null,
      route: { id: SERVICE },
      consumer: null,
      config: { per_consumer: true },
    });
    expect(v).toMatchObject({
      instance_name: "",
      tags: [],
      route: { id: SERVICE },
      api: null,
      enabled: false,
    });
  });
});
