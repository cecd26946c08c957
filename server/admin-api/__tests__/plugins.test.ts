import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as adminApi from "@/app/admin-api/[[...path]]/route";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { STATSD_DEFAULT_METRICS } from "@/lib/plugins";
import { serveRoutes, useTestDb } from "@/server/testing/http";

type Json = Record<string, unknown>;

const METRIC_NAMES =
  "kong_latency, latency, request_count, request_per_user, request_size, response_size, status_count, status_count_per_user, unique_users, upstream_latency, status_count_per_workspace, status_count_per_user_per_route, shdict_usage";
const CONDITIONAL = "failed conditional validation given value of field 'stat_type'";

const DEFAULT_STATSD_CONFIG = {
  host: "localhost",
  port: 8125,
  prefix: "kong",
  metrics: STATSD_DEFAULT_METRICS,
  allow_status_codes: null,
  udp_packet_size: 0,
  use_tcp: false,
  hostname_in_prefix: false,
  consumer_identifier_default: "custom_id",
  service_identifier_default: "service_name_or_host",
  workspace_identifier_default: "workspace_id",
  retry_count: null,
  queue_size: null,
  flush_timeout: null,
  tag_style: null,
  queue: {
    max_batch_size: 1,
    max_coalescing_delay: 1,
    max_entries: 10000,
    max_bytes: null,
    max_retry_time: 60,
    initial_retry_delay: 0.01,
    max_retry_delay: 60,
    concurrency_limit: 1,
  },
};

describe.each(testBackends())("plugins Admin API (%s)", (kind) => {
  let t: TestDb;
  let server: { url: string; close(): Promise<void> };
  let base: string;

  async function call(method: string, path: string, body?: string | Json, form = false) {
    const headers: Record<string, string> = {};
    let payload: string | undefined;
    if (typeof body === "string") {
      payload = body;
      headers["content-type"] = "application/x-www-form-urlencoded";
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers["content-type"] = form ? "application/x-www-form-urlencoded" : "application/json";
    }
    const res = await fetch(`${base}${path}`, { method, headers, body: payload });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
  }

  /** A statsd plugin posted as JSON with the given config; returns the response. */
  const postStatsd = (config: Json) => call("POST", "/plugins", { name: "statsd", config });

  let serviceId: string;
  let routeId: string;
  let apiId: string;
  let consumerId: string;

  beforeAll(async () => {
    t = await createTestDb(kind);
    useTestDb(t.db);
    server = await serveRoutes([{ prefix: "/admin-api", module: adminApi, catchAll: true }]);
    base = `${server.url}/admin-api`;
    serviceId = (await call("POST", "/services", "name=orders&url=http://orders.internal:8080/v1")).body
      .id as string;
    routeId = (await call("POST", `/services/orders/routes`, "name=orders-v1&paths[]=/orders")).body
      .id as string;
    apiId = (await call("POST", "/apis", "name=legacy&upstream_url=http://legacy.internal&uris=/legacy")).body
      .id as string;
    consumerId = (await call("POST", "/consumers", "username=alice&custom_id=c-42")).body.id as string;
  });

  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it("seed curl forms create plugins with every default filled", async () => {
    const svc = await call("POST", `/services/orders/plugins`, "name=prometheus");
    expect(svc.status).toBe(201);
    expect(svc.body).toMatchObject({
      name: "prometheus",
      instance_name: null,
      service: { id: serviceId },
      route: null,
      consumer: null,
      enabled: true,
      tags: null,
      protocols: ["grpc", "grpcs", "http", "https"],
      config: {
        per_consumer: false,
        status_code_metrics: false,
        latency_metrics: false,
        bandwidth_metrics: false,
        upstream_health_metrics: false,
        ai_metrics: false,
      },
    });
    expect(typeof svc.body.created_at).toBe("number");
    expect(Number.isInteger(svc.body.created_at)).toBe(true);
    expect(svc.body.created_at as number).toBeLessThan(1e11);

    const route = await call("POST", `/routes/${routeId}/plugins`, "name=prometheus");
    expect(route.status).toBe(201);
    expect(route.body.route).toEqual({ id: routeId });

    const api = await call("POST", `/apis/legacy/plugins`, "name=prometheus");
    expect(api.status).toBe(201);
    expect(api.body.api).toEqual({ id: apiId });

    const global = await call("POST", "/plugins", "name=statsd");
    expect(global.status).toBe(201);
    expect(global.body.config).toEqual(DEFAULT_STATSD_CONFIG);
    expect(Object.keys(global.body).sort()).toEqual(
      [
        "id",
        "name",
        "instance_name",
        "created_at",
        "updated_at",
        "route",
        "service",
        "consumer",
        "config",
        "protocols",
        "enabled",
        "tags",
      ].sort(),
    );

    const got = await call("GET", `/plugins/${global.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(global.body);

    const consumer = await call("POST", `/consumers/alice/plugins`, {
      name: "statsd",
      config: { prefix: "c" },
    });
    expect(consumer.status).toBe(201);
    expect(consumer.body.consumer).toEqual({ id: consumerId });
  });

  it("duplicate scope gives Kong's exact 409", async () => {
    const dup = await call("POST", `/services/${serviceId}/plugins`, "name=prometheus");
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({
      code: 5,
      name: "unique constraint violation",
      message: `UNIQUE violation detected on '{consumer=null,name="prometheus",route=null,service={id="${serviceId}"}}'`,
      fields: { consumer: null, name: "prometheus", route: null, service: { id: serviceId } },
    });
    const dupGlobal = await call("POST", "/plugins", "name=statsd");
    expect(dupGlobal.status).toBe(409);
    expect(dupGlobal.body.message).toBe(
      `UNIQUE violation detected on '{consumer=null,name="statsd",route=null,service=null}'`,
    );
  });

  it("unknown scope entity is 404, unknown plugin is Kong's not-enabled 400", async () => {
    for (const path of [
      "/services/nope/plugins",
      "/routes/00000000-0000-4000-8000-000000000000/plugins",
      "/apis/nope/plugins",
      "/consumers/nobody/plugins",
    ]) {
      const res = await call("POST", path, "name=prometheus");
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual({ message: "Not found" });
    }
    const unknown = await call("POST", "/plugins", "name=x");
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      code: 2,
      name: "schema violation",
      message:
        "schema violation (name: plugin 'x' not enabled; add it to the 'plugins' configuration property)",
      fields: { name: "plugin 'x' not enabled; add it to the 'plugins' configuration property" },
    });
    const missing = await call("POST", "/plugins", {});
    expect(missing.body).toMatchObject({
      message: "schema violation (name: required field missing)",
      fields: { name: "required field missing" },
    });
  });

  it.each([
    [
      "sample_rate missing for counter",
      { metrics: [{ name: "request_count", stat_type: "counter" }] },
      { metrics: [{ sample_rate: "required field missing", "@entity": [CONDITIONAL] }] },
      `schema violation (config.metrics: {\n  {\n    ["@entity"] = {\n      "${CONDITIONAL}"\n    },\n    sample_rate = "required field missing"\n  }\n})`,
    ],
    [
      "sample_rate missing for gauge (second element)",
      {
        metrics: [
          { name: "latency", stat_type: "timer" },
          { name: "shdict_usage", stat_type: "gauge" },
        ],
      },
      { metrics: [null, { sample_rate: "required field missing", "@entity": [CONDITIONAL] }] },
      `schema violation (config.metrics: {\n  [2] = {\n    ["@entity"] = {\n      "${CONDITIONAL}"\n    },\n    sample_rate = "required field missing"\n  }\n})`,
    ],
    [
      "stat_type missing",
      { metrics: [{ name: "latency" }] },
      { metrics: [{ stat_type: "field required for entity check" }] },
      `schema violation (config.metrics: {\n  {\n    stat_type = "field required for entity check"\n  }\n})`,
    ],
    [
      "name missing",
      { metrics: [{ stat_type: "timer" }] },
      { metrics: [{ name: "required field missing" }] },
      null,
    ],
    [
      "bad metric name",
      { metrics: [{ name: "bogus", stat_type: "timer" }] },
      { metrics: [{ name: `expected one of: ${METRIC_NAMES}` }] },
      null,
    ],
    [
      "bad stat_type",
      { metrics: [{ name: "latency", stat_type: "bogus" }] },
      { metrics: [{ stat_type: "expected one of: counter, gauge, histogram, meter, set, timer" }] },
      null,
    ],
    [
      "bad identifiers",
      {
        metrics: [
          {
            name: "latency",
            stat_type: "timer",
            consumer_identifier: "x",
            service_identifier: "y",
            workspace_identifier: "z",
          },
        ],
      },
      {
        metrics: [
          {
            consumer_identifier: "expected one of: consumer_id, custom_id, username",
            service_identifier:
              "expected one of: service_id, service_name, service_host, service_name_or_host",
            workspace_identifier: "expected one of: workspace_id, workspace_name",
          },
        ],
      },
      null,
    ],
    [
      "bad identifier defaults",
      {
        consumer_identifier_default: "x",
        service_identifier_default: "y",
        workspace_identifier_default: "z",
      },
      {
        consumer_identifier_default: "expected one of: consumer_id, custom_id, username",
        service_identifier_default:
          "expected one of: service_id, service_name, service_host, service_name_or_host",
        workspace_identifier_default: "expected one of: workspace_id, workspace_name",
      },
      "3 schema violations (config.consumer_identifier_default: expected one of: consumer_id, custom_id, username; config.service_identifier_default: expected one of: service_id, service_name, service_host, service_name_or_host; config.workspace_identifier_default: expected one of: workspace_id, workspace_name)",
    ],
    [
      "bad tag_style",
      { tag_style: "statsite" },
      { tag_style: "expected one of: dogstatsd, influxdb, librato, signalfx" },
      "schema violation (config.tag_style: expected one of: dogstatsd, influxdb, librato, signalfx)",
    ],
    [
      "bad allow_status_codes element",
      { allow_status_codes: ["200-299", "abc"] },
      { allow_status_codes: [null, "invalid value: abc"] },
      `schema violation (config.allow_status_codes: {\n  [2] = "invalid value: abc"\n})`,
    ],
    [
      "udp_packet_size out of range",
      { udp_packet_size: 70000 },
      { udp_packet_size: "value should be between 0 and 65507" },
      "schema violation (config.udp_packet_size: value should be between 0 and 65507)",
    ],
    [
      "udp_packet_size not a number",
      { udp_packet_size: "big" },
      { udp_packet_size: "expected a number" },
      null,
    ],
    ["port out of range", { port: 65536 }, { port: "value should be between 0 and 65535" }, null],
    ["host with port", { host: "statsd.local:8125" }, { host: "must not have a port" }, null],
    ["empty prefix", { prefix: "" }, { prefix: "length must be at least 1" }, null],
    [
      "sample_rate not positive",
      { metrics: [{ name: "request_count", stat_type: "counter", sample_rate: 0 }] },
      { metrics: [{ sample_rate: "value must be greater than 0" }] },
      null,
    ],
    [
      "queue ranges",
      {
        queue: {
          initial_retry_delay: 0,
          max_batch_size: 0,
          max_coalescing_delay: 4000,
          concurrency_limit: 2,
        },
      },
      {
        queue: {
          initial_retry_delay: "value should be between 0 and 1000000",
          max_batch_size: "value should be between 1 and 1000000",
          max_coalescing_delay: "value should be between 0 and 3600",
          concurrency_limit: "expected one of: -1, 1",
        },
      },
      `schema violation (config.queue: {\n  concurrency_limit = "expected one of: -1, 1",\n  initial_retry_delay = "value should be between 0 and 1000000",\n  max_batch_size = "value should be between 1 and 1000000",\n  max_coalescing_delay = "value should be between 0 and 3600"\n})`,
    ],
  ])("%s → Kong's message and fields", async (_label, config, configErrors, message) => {
    const res = await postStatsd(config as Json);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(2);
    expect(res.body.name).toBe("schema violation");
    expect(res.body.fields).toEqual({ config: configErrors });
    if (message) expect(res.body.message).toBe(message);
    else expect(res.body.message).toMatch(/^schema violation \(config\./);
  });

  it("multi-error messages count and sort entries", async () => {
    const res = await call("POST", "/plugins", {
      name: "statsd",
      protocols: ["http", "smtp"],
      config: { port: -1, host: "a:1" },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      "3 schema violations (config.host: must not have a port; config.port: value should be between 0 and 65535; protocols.2: expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp)",
    );
    expect(res.body.fields).toEqual({
      config: { host: "must not have a port", port: "value should be between 0 and 65535" },
      protocols: [null, "expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp"],
    });
  });

  it("form bodies: dotted and indexed keys, repeated keys, numbers and booleans coerced", async () => {
    const form = [
      "name=statsd",
      "instance_name=form-statsd",
      `route.id=${routeId}`,
      "config.host=10.0.0.5",
      "config.port=9125",
      "config.use_tcp=true",
      "config.udp_packet_size=1000",
      "config.metrics[1].name=request_count",
      "config.metrics[1].stat_type=counter",
      "config.metrics[1].sample_rate=0.5",
      "config.metrics[2].name=latency",
      "config.metrics[2].stat_type=timer",
      "config.allow_status_codes=200-299",
      "config.allow_status_codes=500-599",
      "tags[]=a",
      "tags[]=b",
    ].join("&");
    const res = await call("POST", "/plugins", form);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      instance_name: "form-statsd",
      route: { id: routeId },
      tags: ["a", "b"],
      config: {
        host: "10.0.0.5",
        port: 9125,
        use_tcp: true,
        udp_packet_size: 1000,
        allow_status_codes: ["200-299", "500-599"],
        metrics: [
          {
            name: "request_count",
            stat_type: "counter",
            sample_rate: 0.5,
            consumer_identifier: null,
            service_identifier: null,
            workspace_identifier: null,
          },
          {
            name: "latency",
            stat_type: "timer",
            sample_rate: null,
            consumer_identifier: null,
            service_identifier: null,
            workspace_identifier: null,
          },
        ],
      },
    });
    const byName = await call("GET", "/plugins/form-statsd");
    expect(byName.body.id).toBe(res.body.id);
    const single = await call(
      "POST",
      `/consumers/${consumerId}/plugins`,
      "name=prometheus&config.per_consumer=true&config.latency_metrics=yes",
    );
    expect(single.status).toBe(400);
    expect(single.body.fields).toEqual({ config: { latency_metrics: "expected a boolean" } });

    const multipart = new FormData();
    multipart.append("name", "prometheus");
    multipart.append("config.per_consumer", "true");
    const mp = await fetch(`${base}/consumers/${consumerId}/plugins`, { method: "POST", body: multipart });
    expect(mp.status).toBe(201);
    expect(((await mp.json()) as { config: Json }).config.per_consumer).toBe(true);
  });

  it("PATCH merges config, PUT replaces, DELETE is 204", async () => {
    const created = await call("POST", "/services/orders/plugins", {
      name: "statsd",
      config: { port: 9999 },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const patched = await call("PATCH", `/plugins/${id}`, { config: { prefix: "gw" }, enabled: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ enabled: false, config: { port: 9999, prefix: "gw" } });
    const badPatch = await call("PATCH", `/plugins/${id}`, "config.udp_packet_size=-1");
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.fields).toEqual({
      config: { udp_packet_size: "value should be between 0 and 65507" },
    });

    const put = await call("PUT", `/plugins/${id}`, { name: "statsd", service: { id: serviceId } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id, enabled: true, config: { port: 8125, prefix: "kong" } });

    const newId = "5e7c3b0a-9d7e-4f3a-8a51-0f5f7f1b2c3d";
    const putNew = await call("PUT", `/plugins/${newId}`, { name: "statsd", api: { id: apiId } });
    expect(putNew.status).toBe(200);
    expect(putNew.body.id).toBe(newId);

    // A GET body fed back unchanged (ids, timestamps, every null) is accepted and changes nothing.
    const current = (await call("GET", `/plugins/${id}`)).body;
    const roundTrip = await call("PUT", `/plugins/${id}`, current);
    expect(roundTrip.status).toBe(200);
    expect({ ...roundTrip.body, updated_at: 0 }).toEqual({ ...current, updated_at: 0 });
    const samePatch = await call("PATCH", `/plugins/${id}`, current);
    expect(samePatch.body.config).toEqual(current.config);

    expect((await call("DELETE", `/plugins/${id}`)).status).toBe(204);
    expect((await call("GET", `/plugins/${id}`)).status).toBe(404);
    expect((await call("DELETE", `/plugins/${id}`)).status).toBe(204);
  });

  it("lists page with Kong's offset, scoped lists filter", async () => {
    const all = await call("GET", "/plugins?size=2");
    expect(all.status).toBe(200);
    expect((all.body.data as unknown[]).length).toBe(2);
    expect(all.body.next).toBe(`/plugins?size=2&offset=${encodeURIComponent(all.body.offset as string)}`);
    const seen = new Set<string>((all.body.data as Json[]).map((p) => p.id as string));
    let next = all.body.next as string | null;
    while (next) {
      const page = await call("GET", next);
      for (const p of page.body.data as Json[]) seen.add(p.id as string);
      next = page.body.next as string | null;
    }
    const full = await call("GET", "/plugins");
    expect(full.body.next).toBeNull();
    expect(seen.size).toBe((full.body.data as unknown[]).length);

    const scoped = await call("GET", `/services/orders/plugins`);
    expect((scoped.body.data as Json[]).map((p) => p.service)).toEqual([{ id: serviceId }]);
    expect((await call("GET", "/plugins?size=0")).body).toEqual({
      code: 9,
      name: "invalid size",
      message: "size must be an integer between 1 and 1000",
    });
    expect((await call("GET", "/plugins?offset=!!")).body).toMatchObject({ code: 7, name: "invalid offset" });
  });

  it("schema, enabled list and root info", async () => {
    expect((await call("GET", "/plugins/enabled")).body).toEqual({
      enabled_plugins: ["prometheus", "statsd"],
    });
    const schema = await call("GET", "/schemas/plugins/statsd");
    expect(schema.status).toBe(200);
    const fields = schema.body.fields as Json[];
    const config = fields.find((f) => "config" in f)?.config as { type: string; fields: Json[] };
    expect(config.type).toBe("record");
    expect(config.fields[0]).toEqual({
      host: expect.objectContaining({ type: "string", default: "localhost" }),
    });
    const metrics = config.fields.find((f) => "metrics" in f)?.metrics as Json;
    expect(metrics).toMatchObject({
      type: "array",
      elements: {
        type: "record",
        entity_checks: [
          {
            conditional: {
              if_field: "stat_type",
              if_match: { one_of: ["counter", "gauge"] },
              then_field: "sample_rate",
              then_match: { required: true },
            },
          },
        ],
      },
    });
    const udp = config.fields.find((f) => "udp_packet_size" in f)?.udp_packet_size;
    expect(udp).toMatchObject({ type: "number", between: [0, 65507], default: 0 });
    expect((await call("GET", "/schemas/plugins/nope")).status).toBe(404);
    const root = await call("GET", "/");
    expect(root.status).toBe(200);
    expect(Object.keys((root.body.plugins as Json).available_on_server as Json)).toEqual([
      "prometheus",
      "statsd",
    ]);
  });
});
