import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { configVersion, plugins } from "@/db/schema";
import type { PrometheusConfig, StatsdConfig } from "@/lib/plugins";

export type PluginTarget = {
  serviceId: string | null;
  routeId: string | null;
  consumerId: string | null;
  apiId: string | null;
};
export type ActivePlugin<C = unknown> = {
  id: string;
  name: string;
  config: C;
  serviceId: string | null;
  routeId: string | null;
  consumerId: string | null;
  apiId: string | null;
  createdAt: Date;
  updatedAt: Date;
};
export type PluginResolver = {
  /** config_version this snapshot was built from */
  readonly version: number;
  resolve(name: "prometheus", target: PluginTarget): ActivePlugin<PrometheusConfig> | null;
  resolve(name: "statsd", target: PluginTarget): ActivePlugin<StatsdConfig> | null;
  /** enabled instances of a plugin */
  enabled(name: "prometheus" | "statsd"): ActivePlugin[];
};

/** The config_version row every plugin write bumps. */
export const PLUGINS_CONFIG_KEY = "plugins";

/** Bumps the plugin config version; call inside the transaction that writes plugins. */
export async function bumpPluginConfigVersion(tx: Db): Promise<void> {
  await tx
    .insert(configVersion)
    .values({ key: PLUGINS_CONFIG_KEY, version: 1 })
    .onConflictDoUpdate({
      target: configVersion.key,
      set: { version: sql`${configVersion.version} + 1`, changedAt: sql`now()` },
    });
}

async function readVersion(db: Db): Promise<number> {
  const rows = await db
    .select({ version: configVersion.version })
    .from(configVersion)
    .where(eq(configVersion.key, PLUGINS_CONFIG_KEY));
  return rows[0]?.version ?? 0;
}

const scopeKey = (s: string | null, r: string | null, c: string | null, a: string | null) =>
  `${s ?? ""}|${r ?? ""}|${c ?? ""}|${a ?? ""}`;

/**
 * Candidate scope keys for a request, most specific first (kong-plugins §1f). Kong 1.x–3.x:
 * consumer+route+service > consumer+route > consumer+service > route+service > consumer > route > service >
 * global. Legacy API traffic (Kong ≤ 0.14): api+consumer > consumer > api > global. A request matches an API
 * or a route, never both, so one list serves both orders; keys naming an id the target lacks are skipped.
 */
function candidateKeys({ serviceId: s, routeId: r, consumerId: c, apiId: a }: PluginTarget): string[] {
  const keys: string[] = [];
  if (c && r && s) keys.push(scopeKey(s, r, c, null));
  if (c && r) keys.push(scopeKey(null, r, c, null));
  if (c && s) keys.push(scopeKey(s, null, c, null));
  if (r && s) keys.push(scopeKey(s, r, null, null));
  if (a && c) keys.push(scopeKey(null, null, c, a));
  if (c) keys.push(scopeKey(null, null, c, null));
  if (r) keys.push(scopeKey(null, r, null, null));
  if (s) keys.push(scopeKey(s, null, null, null));
  if (a) keys.push(scopeKey(null, null, null, a));
  keys.push(scopeKey(null, null, null, null));
  return keys;
}

/** Memo entries per plugin name before the memo is reset (targets are entity tuples, bounded but large). */
const MEMO_LIMIT = 100_000;

function buildResolver(version: number, rows: ActivePlugin[]): PluginResolver {
  const byName = new Map<string, Map<string, ActivePlugin>>();
  const enabledByName = new Map<string, ActivePlugin[]>();
  for (const p of rows) {
    let scopes = byName.get(p.name);
    if (!scopes) {
      scopes = new Map();
      byName.set(p.name, scopes);
    }
    scopes.set(scopeKey(p.serviceId, p.routeId, p.consumerId, p.apiId), p);
    const list = enabledByName.get(p.name) ?? [];
    list.push(p);
    enabledByName.set(p.name, list);
  }
  const memo = new Map<string, Map<string, ActivePlugin | null>>();
  function resolve(name: string, target: PluginTarget): ActivePlugin | null {
    const scopes = byName.get(name);
    if (!scopes) return null;
    let cache = memo.get(name);
    if (!cache) {
      cache = new Map();
      memo.set(name, cache);
    }
    const tkey = scopeKey(target.serviceId, target.routeId, target.consumerId, target.apiId);
    const hit = cache.get(tkey);
    if (hit !== undefined) return hit;
    let found: ActivePlugin | null = null;
    for (const key of candidateKeys(target)) {
      const p = scopes.get(key);
      if (p) {
        found = p;
        break;
      }
    }
    if (cache.size >= MEMO_LIMIT) cache.clear();
    cache.set(tkey, found);
    return found;
  }
  return {
    version,
    resolve: resolve as PluginResolver["resolve"],
    enabled: (name) => enabledByName.get(name) ?? [],
  };
}

/** Loads the enabled plugin instances (disabled ones are never candidates, kong-plugins §1f). */
async function loadEnabled(db: Db): Promise<ActivePlugin[]> {
  return db
    .select({
      id: plugins.id,
      name: plugins.name,
      config: plugins.config,
      serviceId: plugins.serviceId,
      routeId: plugins.routeId,
      consumerId: plugins.consumerId,
      apiId: plugins.apiId,
      createdAt: plugins.createdAt,
      updatedAt: plugins.updatedAt,
    })
    .from(plugins)
    .where(eq(plugins.enabled, true))
    .orderBy(plugins.createdAt, plugins.id);
}

/**
 * Per-process cache, one entry per database handle. A transaction shares its parent handle's drizzle dialect
 * object, so `getPluginResolver(tx)` hits the same entry as `getPluginResolver(db)`.
 */
const cache = new WeakMap<object, { version: number; resolver: Promise<PluginResolver> }>();

function cacheKey(db: Db): object {
  return (db as unknown as { dialect?: object }).dialect ?? db;
}

/** One cheap read of config_version; reloads enabled plugins only when it changed (cache shared per process, keyed by db). Works inside a transaction (pass the tx). */
export async function getPluginResolver(db: Db): Promise<PluginResolver> {
  const version = await readVersion(db);
  const key = cacheKey(db);
  const entry = cache.get(key);
  if (entry && entry.version === version) return entry.resolver;
  const resolver = loadEnabled(db).then((rows) => buildResolver(version, rows));
  cache.set(key, { version, resolver });
  resolver.catch(() => {
    if (cache.get(key)?.resolver === resolver) cache.delete(key);
  });
  return resolver;
}
