import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, createPostgresDb, type Db } from "@/db/client";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { createEntity } from "@/server/services/entities/entities";
import { createPlugin, deletePlugin, setPluginEnabled, updatePlugin } from "../plugins";
import { getPluginResolver, type PluginTarget } from "../precedence";

const target = (t: Partial<PluginTarget>): PluginTarget => ({
  serviceId: null,
  routeId: null,
  consumerId: null,
  apiId: null,
  ...t,
});

describe.each(testBackends())("plugin precedence (%s)", (kind) => {
  let t: TestDb;
  let db: Db;
  let S: string;
  let S2: string;
  let R: string;
  let C: string;
  let A: string;
  /** plugin id by scope label */
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDb(kind);
    db = t.db;
    S = (await createEntity(db, "services", { name: "s", host: "s.internal" })).id as string;
    S2 = (await createEntity(db, "services", { name: "s2", host: "s2.internal" })).id as string;
    R = (await createEntity(db, "routes", { name: "r", paths: ["/r"], service: { id: S } })).id as string;
    C = (await createEntity(db, "consumers", { username: "c" })).id as string;
    A = (await createEntity(db, "apis", { name: "a", upstream_url: "http://a.internal" })).id as string;
    const scopes: Record<string, Record<string, { id: string }>> = {
      global: {},
      service: { service: { id: S } },
      route: { route: { id: R } },
      consumer: { consumer: { id: C } },
      "route+service": { route: { id: R }, service: { id: S } },
      "consumer+service": { consumer: { id: C }, service: { id: S } },
      "consumer+route": { consumer: { id: C }, route: { id: R } },
      "consumer+route+service": { consumer: { id: C }, route: { id: R }, service: { id: S } },
      api: { api: { id: A } },
      "api+consumer": { api: { id: A }, consumer: { id: C } },
    };
    for (const [label, scope] of Object.entries(scopes))
      ids[label] = (await createPlugin(db, { name: "prometheus", ...scope })).id;
  });

  afterAll(async () => {
    await t?.close();
  });

  const resolvedLabel = async (tg: PluginTarget) => {
    const p = (await getPluginResolver(db)).resolve("prometheus", tg);
    return p ? Object.entries(ids).find(([, id]) => id === p.id)?.[0] : null;
  };

  it("walks Kong's order as more specific instances are disabled, then re-enabled", async () => {
    const order = [
      "consumer+route+service",
      "consumer+route",
      "consumer+service",
      "route+service",
      "consumer",
      "route",
      "service",
      "global",
    ];
    const tg = target({ serviceId: S, routeId: R, consumerId: C });
    for (const label of order) {
      expect(await resolvedLabel(tg)).toBe(label);
      await setPluginEnabled(db, ids[label], false);
    }
    expect(await resolvedLabel(tg)).toBeNull();
    for (const label of order) await setPluginEnabled(db, ids[label], true);
    expect(await resolvedLabel(tg)).toBe("consumer+route+service");
  });

  it("targets without a consumer or route skip the levels that need them", async () => {
    expect(await resolvedLabel(target({ serviceId: S, routeId: R }))).toBe("route+service");
    expect(await resolvedLabel(target({ serviceId: S }))).toBe("service");
    expect(await resolvedLabel(target({ serviceId: S2 }))).toBe("global");
    expect(await resolvedLabel(target({ serviceId: S2, consumerId: C }))).toBe("consumer");
    expect(await resolvedLabel(target({}))).toBe("global");
  });

  it("legacy API traffic: api+consumer > consumer > api > global", async () => {
    const tg = target({ apiId: A, consumerId: C });
    for (const label of ["api+consumer", "consumer", "api", "global"]) {
      expect(await resolvedLabel(tg)).toBe(label);
      await setPluginEnabled(db, ids[label], false);
    }
    expect(await resolvedLabel(tg)).toBeNull();
    for (const label of ["api+consumer", "consumer", "api", "global"])
      await setPluginEnabled(db, ids[label], true);
    expect(await resolvedLabel(target({ apiId: A }))).toBe("api");
  });

  it("exposes enabled instances and typed config, and caches per config version", async () => {
    const r1 = await getPluginResolver(db);
    expect(await getPluginResolver(db)).toBe(r1);
    // A transaction shares the handle's cache.
    expect(await db.transaction(async (tx) => getPluginResolver(tx as unknown as Db))).toBe(r1);
    expect(r1.enabled("prometheus")).toHaveLength(10);
    expect(r1.enabled("statsd")).toHaveLength(0);
    const statsd = await createPlugin(db, { name: "statsd", service: { id: S }, config: { port: 9125 } });
    const r2 = await getPluginResolver(db);
    expect(r2).not.toBe(r1);
    expect(r2.version).toBeGreaterThan(r1.version);
    expect(r2.resolve("statsd", target({ serviceId: S, routeId: R }))?.config.port).toBe(9125);
    await updatePlugin(db, statsd.id, { config: { port: 9126 } });
    expect((await getPluginResolver(db)).resolve("statsd", target({ serviceId: S }))?.config.port).toBe(9126);
    await deletePlugin(db, statsd.id);
    const r3 = await getPluginResolver(db);
    expect(r3.resolve("statsd", target({ serviceId: S }))).toBeNull();
    expect(r3.enabled("statsd")).toHaveLength(0);
  });

  it.runIf(kind === "postgres")(
    "a second instance (another Db handle) sees writes on its next call",
    async () => {
      const other = createPostgresDb(t.url!, { max: 2 });
      try {
        const before = await getPluginResolver(other);
        expect(before.resolve("prometheus", target({ serviceId: S }))?.id).toBe(ids.service);
        await setPluginEnabled(db, ids.service, false);
        const after = await getPluginResolver(other);
        expect(after.version).toBeGreaterThan(before.version);
        expect(after.resolve("prometheus", target({ serviceId: S }))?.id).toBe(ids.global);
        await setPluginEnabled(db, ids.service, true);
        expect((await getPluginResolver(other)).resolve("prometheus", target({ serviceId: S }))?.id).toBe(
          ids.service,
        );
      } finally {
        await closeDb(other);
      }
    },
  );
});
