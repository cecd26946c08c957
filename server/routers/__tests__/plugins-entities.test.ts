import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { ValidationError } from "@/server/errors";
import { createCallerFactory } from "@/server/trpc";
import { appRouter } from "../_app";

const createCaller = createCallerFactory(appRouter);

async function rejection(p: Promise<unknown>): Promise<TRPCError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCError) return err;
    throw err;
  }
  throw new Error("expected a rejection");
}

describe.each(testBackends())("entities and plugins routers (%s)", (kind) => {
  let t: TestDb;
  let caller: ReturnType<typeof createCaller>;

  beforeAll(async () => {
    t = await createTestDb(kind);
    caller = createCaller({ db: t.db });
  });

  afterAll(async () => {
    await t?.close();
  });

  it("creates, searches, updates and deletes entities", async () => {
    const svc = await caller.entities.create({
      kind: "services",
      body: { name: "orders", host: "orders.internal" },
    });
    await caller.entities.create({ kind: "services", body: { name: "billing", host: "billing.internal" } });
    expect((await caller.entities.search({ kind: "services", query: "ORD" })).map((s) => s.name)).toEqual([
      "orders",
    ]);
    expect(
      (await caller.entities.search({ kind: "services", query: String(svc.id).slice(0, 8) })).length,
    ).toBe(1);
    expect((await caller.entities.get({ kind: "services", id: "orders" })).id).toBe(svc.id);
    const updated = await caller.entities.update({
      kind: "services",
      id: String(svc.id),
      patch: { port: 8080 },
    });
    expect(updated.port).toBe(8080);
    const page = await caller.entities.list({ kind: "services", size: 1 });
    expect(page.data).toHaveLength(1);
    expect(page.offset).toBeTruthy();
    await caller.entities.delete({ kind: "services", id: "billing" });
    expect((await rejection(caller.entities.get({ kind: "services", id: "billing" }))).code).toBe(
      "NOT_FOUND",
    );
    expect((await caller.entities.workspaces()).map((w) => w.name)).toEqual(["default"]);
  });

  it("validation failures carry Kong's fields tree and flat issues", async () => {
    const err = await rejection(
      caller.plugins.create({
        name: "statsd",
        config: {
          metrics: [
            { name: "latency", stat_type: "timer" },
            { name: "request_count", stat_type: "gauge" },
          ],
        },
      }),
    );
    expect(err.code).toBe("BAD_REQUEST");
    const cause = err.cause as ValidationError;
    expect(cause).toBeInstanceOf(ValidationError);
    expect(cause.fields).toEqual({
      config: {
        metrics: [
          null,
          {
            sample_rate: "required field missing",
            "@entity": ["failed conditional validation given value of field 'stat_type'"],
          },
        ],
      },
    });
    expect(cause.issues).toEqual([
      { path: "config.metrics[1].sample_rate", message: "required field missing" },
      {
        path: "config.metrics[1].@entity",
        message: "failed conditional validation given value of field 'stat_type'",
      },
    ]);
    const entityErr = await rejection(caller.entities.create({ kind: "consumers", body: { tags: ["a/b"] } }));
    expect((entityErr.cause as ValidationError).fields).toEqual({
      tags: ["invalid tag 'a/b': expected printable ascii (except `,` and `/`) or valid utf-8 sequences"],
      "@entity": ["at least one of these fields must be non-empty: 'custom_id', 'username'"],
    });
  });

  it("plugins: create, list by name and scope, update, enable/disable, schema, delete", async () => {
    const svc = await caller.entities.get({ kind: "services", id: "orders" });
    const global = await caller.plugins.create({ name: "prometheus" });
    const scoped = await caller.plugins.create({ name: "statsd", service: { id: String(svc.id) } });
    expect((await caller.plugins.list({ name: "statsd" })).data.map((p) => p.id)).toEqual([scoped.id]);
    expect((await caller.plugins.list({ scope: "global" })).data.map((p) => p.id)).toEqual([global.id]);
    expect((await caller.plugins.list({ scope: "service" })).data.map((p) => p.id)).toEqual([scoped.id]);
    expect((await caller.plugins.list({ serviceId: String(svc.id) })).data.map((p) => p.id)).toEqual([
      scoped.id,
    ]);
    expect((await caller.plugins.list({ serviceId: "not-a-uuid" })).data).toEqual([]);

    const dup = await rejection(caller.plugins.create({ name: "prometheus" }));
    expect(dup.code).toBe("CONFLICT");

    const patched = await caller.plugins.update({
      id: scoped.id,
      patch: { config: { tag_style: "dogstatsd" } },
    });
    expect(patched.config).toMatchObject({ tag_style: "dogstatsd", port: 8125 });
    expect((await caller.plugins.setEnabled({ id: scoped.id, enabled: false })).enabled).toBe(false);
    expect((await caller.plugins.get({ id: scoped.id })).enabled).toBe(false);

    const schema = await caller.plugins.schema({ name: "prometheus" });
    expect(JSON.stringify(schema)).toContain("per_consumer");
    expect((await rejection(caller.plugins.schema({ name: "nope" }))).code).toBe("NOT_FOUND");

    await caller.plugins.delete({ id: scoped.id });
    expect((await rejection(caller.plugins.get({ id: scoped.id }))).code).toBe("NOT_FOUND");
    // A service's plugins go with it.
    const other = await caller.entities.create({
      kind: "services",
      body: { name: "tmp", host: "tmp.internal" },
    });
    const p = await caller.plugins.create({ name: "statsd", service: { id: String(other.id) } });
    await caller.entities.delete({ kind: "services", id: "tmp" });
    expect((await rejection(caller.plugins.get({ id: p.id }))).code).toBe("NOT_FOUND");
  });
});
