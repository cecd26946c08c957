import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as adminApi from "@/app/admin-api/[[...path]]/route";
import { closeDb, createPostgresDb, type Db } from "@/db/client";
import { services } from "@/db/schema";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { serveRoutes, useTestDb } from "@/server/testing/http";

type Json = Record<string, unknown>;

describe.each(testBackends())("entities Admin API (%s)", (kind) => {
  let t: TestDb;
  let server: { url: string; close(): Promise<void> };
  let base: string;

  async function call(method: string, path: string, body?: string | Json) {
    const headers: Record<string, string> = {};
    let payload: string | undefined;
    if (typeof body === "string") {
      payload = body;
      headers["content-type"] = "application/x-www-form-urlencoded";
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers["content-type"] = "application/json";
    }
    const res = await fetch(`${base}${path}`, { method, headers, body: payload });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
  }

  beforeAll(async () => {
    t = await createTestDb(kind);
    useTestDb(t.db);
    server = await serveRoutes([{ prefix: "/admin-api", module: adminApi, catchAll: true }]);
    base = `${server.url}/admin-api`;
  });

  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it("services: create from url shorthand (form), get by id and name, Kong's shape", async () => {
    const created = await call(
      "POST",
      "/services",
      "name=orders&url=https://orders.internal:8443/api&retries=3",
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "orders",
      protocol: "https",
      host: "orders.internal",
      port: 8443,
      path: "/api",
      retries: 3,
      connect_timeout: 60000,
      write_timeout: 60000,
      read_timeout: 60000,
      tags: null,
      enabled: true,
      client_certificate: null,
      tls_verify: null,
      ca_certificates: null,
    });
    expect(Number.isInteger(created.body.created_at)).toBe(true);
    const id = created.body.id as string;
    expect((await call("GET", `/services/${id}`)).body).toEqual(created.body);
    expect((await call("GET", "/services/orders")).body).toEqual(created.body);
    expect((await call("GET", "/services/nope")).status).toBe(404);
    expect((await call("GET", "/services/nope")).body).toEqual({ message: "Not found" });
  });

  it("services: validation, unique violation, PATCH, PUT upsert by name, DELETE", async () => {
    const bad = await call("POST", "/services", { name: "x", host: "a b", port: 70000, protocol: "ftp" });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      code: 2,
      name: "schema violation",
      message:
        "3 schema violations (host: invalid value: a b; port: value should be between 0 and 65535; protocol: expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp, ws, wss)",
      fields: {
        host: "invalid value: a b",
        port: "value should be between 0 and 65535",
        protocol: "expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp, ws, wss",
      },
    });
    const missing = await call("POST", "/services", { name: "nohost" });
    expect(missing.body).toMatchObject({ message: "schema violation (host: required field missing)" });

    const dup = await call("POST", "/services", { name: "orders", host: "x.internal" });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({
      code: 5,
      name: "unique constraint violation",
      message: `UNIQUE violation detected on '{name="orders"}'`,
      fields: { name: "orders" },
    });

    const patched = await call("PATCH", "/services/orders", "port=9000&tags[]=team-a");
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ port: 9000, host: "orders.internal", tags: ["team-a"] });

    const put = await call("PUT", "/services/billing", { host: "billing.internal" });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: "billing", host: "billing.internal", port: 80 });
    const put2 = await call("PUT", "/services/billing", { host: "billing2.internal" });
    expect(put2.body).toMatchObject({ id: put.body.id, host: "billing2.internal" });

    expect((await call("DELETE", "/services/billing")).status).toBe(204);
    expect((await call("GET", "/services/billing")).status).toBe(404);
    expect((await call("DELETE", "/services/billing")).status).toBe(204);
  });

  it("routes: nested create and list, foreign keys, a service with routes cannot be deleted", async () => {
    const r = await call(
      "POST",
      "/services/orders/routes",
      "name=orders-v1&paths[]=/v1&methods[]=GET&methods[]=POST",
    );
    expect(r.status).toBe(201);
    const svc = (await call("GET", "/services/orders")).body;
    expect(r.body).toMatchObject({
      name: "orders-v1",
      paths: ["/v1"],
      methods: ["GET", "POST"],
      protocols: ["http", "https"],
      strip_path: true,
      preserve_host: false,
      https_redirect_status_code: 426,
      service: { id: svc.id },
      headers: null,
    });
    const listed = await call("GET", "/services/orders/routes");
    expect((listed.body.data as Json[]).map((x) => x.name)).toEqual(["orders-v1"]);
    expect((await call("GET", "/services/nope/routes")).status).toBe(404);

    const missingSvc = "00000000-0000-4000-8000-000000000001";
    const fk = await call("POST", "/routes", {
      name: "dangling",
      paths: ["/x"],
      service: { id: missingSvc },
    });
    expect(fk.status).toBe(400);
    expect(fk.body).toEqual({
      code: 4,
      name: "foreign key violation",
      message: `the foreign key '{id="${missingSvc}"}' does not reference an existing 'services' entity.`,
      fields: { service: { id: missingSvc } },
    });
    const badPath = await call("POST", "/routes", { paths: ["v1"] });
    expect(badPath.body.fields).toEqual({ paths: ["should start with: / (fixed path) or ~/ (regex path)"] });

    const refused = await call("DELETE", "/services/orders");
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      code: 4,
      name: "foreign key violation",
      message: "an existing 'routes' entity references this 'services' entity",
      fields: { "@referenced_by": "routes" },
    });
    expect((await call("GET", `/routes/orders-v1/service`)).body.id).toBe(svc.id);
  });

  it("consumers need a username or custom_id; duplicates are 409", async () => {
    const none = await call("POST", "/consumers", {});
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({
      message: "schema violation (at least one of these fields must be non-empty: 'custom_id', 'username')",
      fields: { "@entity": ["at least one of these fields must be non-empty: 'custom_id', 'username'"] },
    });
    const alice = await call("POST", "/consumers", "username=alice&custom_id=c-42");
    expect(alice.status).toBe(201);
    expect(alice.body).toMatchObject({ username: "alice", custom_id: "c-42", tags: null });
    const dup = await call("POST", "/consumers", "username=bob&custom_id=c-42");
    expect(dup.status).toBe(409);
    expect(dup.body.message).toBe(`UNIQUE violation detected on '{custom_id="c-42"}'`);
    expect((await call("GET", "/consumers/alice")).body.id).toBe(alice.body.id);
  });

  it("apis: the 0.14 shape with millisecond created_at, comma lists in forms", async () => {
    const api = await call(
      "POST",
      "/apis",
      "name=legacy&upstream_url=http://legacy.internal&hosts=a.com,b.com",
    );
    expect(api.status).toBe(201);
    expect(api.body).toMatchObject({
      name: "legacy",
      upstream_url: "http://legacy.internal",
      hosts: ["a.com", "b.com"],
      uris: null,
      strip_uri: true,
      https_only: false,
      upstream_read_timeout: 60000,
    });
    expect(api.body.created_at as number).toBeGreaterThan(1e12);
    const list = await call("GET", "/apis");
    expect(list.body).toMatchObject({ total: 1, next: null });
    expect(api.body).not.toHaveProperty("updated_at");
    const missing = await call("POST", "/apis", { name: "x" });
    expect(missing.body.fields).toEqual({ upstream_url: "required field missing" });
  });

  it("pages with size and an opaque offset, rejecting bad size and offset", async () => {
    for (let i = 0; i < 5; i++) await call("POST", "/services", { name: `svc-${i}`, host: `h${i}.internal` });
    const all = (await call("GET", "/services")).body;
    expect(all.next).toBeNull();
    const total = (all.data as unknown[]).length;
    expect(total).toBe(6);
    const ids: string[] = [];
    let path: string | null = "/services?size=4";
    let pages = 0;
    while (path) {
      const page = (await call("GET", path)).body;
      pages++;
      ids.push(...(page.data as Json[]).map((x) => x.id as string));
      path = page.next as string | null;
      if (path) expect(page.offset).toBeTruthy();
    }
    expect(pages).toBe(2);
    expect(ids).toEqual((all.data as Json[]).map((x) => x.id));
    expect((await call("GET", "/services?size=1001")).body).toEqual({
      code: 9,
      name: "invalid size",
      message: "size must be an integer between 1 and 1000",
    });
    expect((await call("GET", "/services?size=abc")).body.message).toBe("size must be a number");
    expect((await call("GET", "/services?offset=zzz")).status).toBe(400);
  });

  it("discovered entities share ids with the Admin API; workspaces list the default", async () => {
    const id = "7a1f0a9e-1111-4222-8333-444455556666";
    await t.db
      .insert(services)
      .values({ id, name: "seen-in-traffic", host: "seen.internal", discovered: true });
    expect((await call("GET", `/services/${id}`)).body).toMatchObject({ id, name: "seen-in-traffic" });
    const adopted = await call("POST", "/services", { id, name: "seen-in-traffic", host: "seen.example" });
    expect(adopted.status).toBe(201);
    expect(adopted.body).toMatchObject({ id, host: "seen.example" });
    // Once written through the API it is a real entity: creating it again is a conflict.
    const again = await call("POST", "/services", { id, host: "seen.example" });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(`UNIQUE violation detected on '{id="${id}"}'`);
    const put = await call("PUT", `/services/${id}`, { name: "seen-in-traffic", host: "seen2.example" });
    expect(put.body).toMatchObject({ id, host: "seen2.example" });
    const ws = await call("GET", "/workspaces");
    expect((ws.body.data as Json[]).map((w) => w.name)).toEqual(["default"]);
    expect((await call("GET", "/workspaces/default")).body.name).toBe("default");
  });
});

describe("entities Admin API with the database down", () => {
  let server: { url: string; close(): Promise<void> };
  let db: Db;

  beforeAll(async () => {
    // Nothing listens on port 1: every query fails to connect.
    db = createPostgresDb("postgres://postgres@127.0.0.1:1/none", { max: 1 });
    useTestDb(db);
    server = await serveRoutes([{ prefix: "/admin-api", module: adminApi, catchAll: true }]);
  });

  afterAll(async () => {
    await server?.close();
    await closeDb(db);
  });

  it("answers 503 with Retry-After instead of crashing", async () => {
    for (const [method, path] of [
      ["GET", "/services"],
      ["POST", "/plugins"],
    ]) {
      const res = await fetch(`${server.url}/admin-api${path}`, {
        method,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: method === "POST" ? "name=prometheus" : undefined,
      });
      expect(res.status, path).toBe(503);
      expect(res.headers.get("retry-after")).toBeTruthy();
      expect(await res.json()).toEqual({ message: "database unavailable" });
    }
  });
});
