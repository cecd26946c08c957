import { sql } from "drizzle-orm";
import { type Db, queryRows } from "@/db/client";
import { ZERO_UUID } from "@/db/schema/rollups";
import { bucketOf, ENTITY_HISTOGRAM, HEALTH_HISTOGRAM } from "@/lib/histogram";
import { createCluster, generateRequest, generateStats, type NativeBatch } from "@/lib/simulator/cluster";
import { createRng } from "@/lib/simulator/random";
import type { IngestBatch, IngestEvent } from "../types";
import { validateNativeBatch } from "../validate";

/** One validated request event with plain values: a service-less 200; `over` sets what a test is about. */
export function event(startedAt: number, over: Partial<IngestEvent> = {}): IngestEvent {
  return {
    startedAt,
    serviceId: null,
    serviceName: null,
    serviceHost: null,
    routeId: null,
    routeName: null,
    apiId: null,
    apiName: null,
    consumerId: null,
    consumerUsername: null,
    consumerCustomId: null,
    workspaceId: null,
    workspaceName: null,
    status: 200,
    requestSize: 10,
    responseSize: 20,
    latRequest: 5,
    latKong: 1,
    latProxy: 4,
    ...over,
  };
}

/**
 * A deliberately naive oracle: every rollup recomputed per event from the raw batches, in a different
 * shape from the service (string keys, one pass per table), compared with what the database returns
 * through the reader contract (SUM/MIN/MAX … GROUP BY).
 */
export type Snapshot = Record<string, Record<string, (number | null)[]>>;

const trim = (h: number[]) => {
  let end = h.length;
  while (end > 0 && h[end - 1] === 0) end--;
  return h.slice(0, end);
};

function bump(map: Record<string, (number | null)[]>, key: string, values: (number | null)[], ops: string) {
  const cur = map[key];
  if (!cur) {
    map[key] = values.slice();
    return;
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const c = cur[i];
    if (v === null) continue;
    if (c === null) cur[i] = v;
    else if (ops[i] === "<") cur[i] = Math.min(c, v);
    else if (ops[i] === ">") cur[i] = Math.max(c, v);
    else cur[i] = c + v;
  }
}

const HEALTH_OPS = "++++<>++<>++++++++"; // see healthValues
const histKey = (h: Map<number, number>) => {
  const arr: number[] = [];
  for (const [i, n] of h) {
    while (arr.length <= i) arr.push(0);
    arr[i] += n;
  }
  return trim(arr).join(",");
};

export type OracleOptions = { secondsFrom?: number; minutesFrom?: number };

export function oracle(batches: IngestBatch[], options: OracleOptions = {}): Snapshot {
  const out: Snapshot = {};
  const table = (name: string) => {
    out[name] ??= {};
    return out[name];
  };
  const platHist: Record<string, Map<number, number>> = {};
  const ulatHist: Record<string, Map<number, number>> = {};
  const entHist: Record<string, Map<number, number>> = {};
  const addHist = (store: Record<string, Map<number, number>>, key: string, idx: number) => {
    store[key] ??= new Map();
    store[key].set(idx, (store[key].get(idx) ?? 0) + 1);
  };
  for (const b of batches) {
    const node = b.node.id;
    for (const e of b.events) {
      const sec = Math.floor(e.startedAt / 1000);
      const cls = Math.floor(e.status / 100);
      const classes = [1, 2, 3, 4, 5].map((c) => (cls === c ? 1 : 0));
      classes.push(cls >= 1 && cls <= 5 ? 0 : 1);
      // requests, cacheHits, cacheMisses, samples, platMin, platMax, platSum, platCount, ulatMin, ulatMax,
      // ulatSum, ulatCount, rlatSum, rlatCount, bytesIn, bytesOut, 1xx..5xx, other
      const values = [
        1,
        0,
        0,
        0,
        e.latKong,
        e.latKong,
        e.latKong ?? 0,
        e.latKong === null ? 0 : 1,
        e.latProxy,
        e.latProxy,
        e.latProxy ?? 0,
        e.latProxy === null ? 0 : 1,
        e.latRequest ?? 0,
        e.latRequest === null ? 0 : 1,
        e.requestSize,
        e.responseSize,
        ...classes,
      ];
      for (const [name, grain, from] of [
        ["health_seconds", 1, options.secondsFrom],
        ["health_minutes", 60, options.minutesFrom],
        ["health_hours", 3600, undefined],
      ] as const) {
        const bucket = sec - (sec % grain);
        if (from !== undefined && bucket + grain <= from) continue;
        const key = `${bucket}|${node}`;
        bump(table(name), key, values, `${HEALTH_OPS}++++`);
        if (e.latKong !== null) addHist(platHist, `${name}|${key}`, bucketOf(HEALTH_HISTOGRAM, e.latKong));
        if (e.latProxy !== null) addHist(ulatHist, `${name}|${key}`, bucketOf(HEALTH_HISTOGRAM, e.latProxy));
      }
      const minute = sec - (sec % 60);
      const hour = sec - (sec % 3600);
      for (const [suffix, bucket] of [
        ["minutes", minute],
        ["hours", hour],
      ] as const) {
        bump(table(`codes_cluster_${suffix}`), `${bucket}|cluster|${e.status}`, [1], "+");
        bump(table(`codes_node_${suffix}`), `${bucket}|${node}|${e.status}`, [1], "+");
        if (e.serviceId === null && e.apiId === null)
          bump(table(`codes_unmatched_${suffix}`), `${bucket}|${node}|${e.status}`, [1], "+");
        if (e.serviceId !== null)
          bump(
            table(`codes_route_${suffix}`),
            `${bucket}|${e.routeId ?? ZERO_UUID}|${e.serviceId}|${e.status}`,
            [1],
            "+",
          );
        if (e.apiId !== null)
          bump(table(`codes_api_${suffix}`), `${bucket}|${e.apiId}|${e.status}`, [1], "+");
        if (e.consumerId !== null)
          bump(
            table(`codes_consumer_route_${suffix}`),
            `${bucket}|${e.consumerId}|${e.routeId ?? ZERO_UUID}|${e.serviceId ?? ZERO_UUID}|${e.status}`,
            [1],
            "+",
          );
        for (const [kind, id] of [
          ["service", e.serviceId],
          ["route", e.routeId],
          ["consumer", e.consumerId],
          ["api", e.apiId],
        ] as const) {
          if (id === null) continue;
          const key = `${bucket}|${id}|${kind}`;
          bump(
            table(`entity_traffic_${suffix}`),
            key,
            [
              1,
              e.status >= 400 && e.status < 500 ? 1 : 0,
              e.status >= 500 && e.status < 600 ? 1 : 0,
              e.latKong ?? 0,
              e.latKong === null ? 0 : 1,
              e.latProxy ?? 0,
              e.latProxy === null ? 0 : 1,
              e.latRequest ?? 0,
              e.latRequest === null ? 0 : 1,
              e.requestSize,
              e.responseSize,
            ],
            "+++++++++++",
          );
          if (e.latRequest !== null)
            addHist(entHist, `entity_traffic_${suffix}|${key}`, bucketOf(ENTITY_HISTOGRAM, e.latRequest));
        }
      }
    }
    for (const s of b.stats) {
      for (const [name, grain, from] of [
        ["health_seconds", 1, options.secondsFrom],
        ["health_minutes", 60, options.minutesFrom],
        ["health_hours", 3600, undefined],
      ] as const) {
        const bucket = s.at - (s.at % grain);
        if (from !== undefined && bucket + grain <= from) continue;
        const zeros = new Array(22).fill(0);
        zeros[1] = s.cacheHits;
        zeros[2] = s.cacheMisses;
        zeros[3] = 1;
        zeros[4] = zeros[5] = zeros[8] = zeros[9] = null;
        bump(table(name), `${bucket}|${node}`, zeros, `${HEALTH_OPS}++++`);
      }
    }
  }
  // Histograms become a trailing string-ish number list so they compare with toEqual.
  for (const name of ["health_seconds", "health_minutes", "health_hours"]) {
    for (const [key, row] of Object.entries(out[name] ?? {})) {
      row.push(histKey(platHist[`${name}|${key}`] ?? new Map()) as unknown as number);
      row.push(histKey(ulatHist[`${name}|${key}`] ?? new Map()) as unknown as number);
    }
  }
  for (const name of ["entity_traffic_minutes", "entity_traffic_hours"]) {
    for (const [key, row] of Object.entries(out[name] ?? {}))
      row.push(histKey(entHist[`${name}|${key}`] ?? new Map()) as unknown as number);
  }
  return out;
}

const HEALTH_SQL = `extract(epoch FROM bucket_ts)::int8 || '|' || node_id AS k, sum(requests), sum(cache_hits),
  sum(cache_misses), sum(samples), min(plat_min), max(plat_max), sum(plat_sum), sum(plat_count), min(ulat_min),
  max(ulat_max), sum(ulat_sum), sum(ulat_count), sum(rlat_sum), sum(rlat_count), sum(bytes_in), sum(bytes_out),
  sum(status_1xx), sum(status_2xx), sum(status_3xx), sum(status_4xx), sum(status_5xx), sum(status_other),
  array_to_string(gw_hist_sum(plat_hist), ','), array_to_string(gw_hist_sum(ulat_hist), ',')`;

const CODE_KEYS: Record<string, string> = {
  codes_cluster: "'cluster'",
  codes_node: "node_id",
  codes_unmatched: "node_id",
  codes_route: "route_id || '|' || service_id",
  codes_api: "api_id",
  codes_consumer_route: "consumer_id || '|' || route_id || '|' || service_id",
};

const ENTITY_SQL = `extract(epoch FROM bucket_ts)::int8 || '|' || entity_id || '|' || kind AS k, sum(requests),
  sum(status_4xx), sum(status_5xx), sum(plat_sum), sum(plat_count), sum(ulat_sum), sum(ulat_count), sum(rlat_sum),
  sum(rlat_count), sum(bytes_in), sum(bytes_out), array_to_string(gw_hist_sum(rlat_hist), ',')`;

/** Names every select-list item (c0, c1, …): several `sum` columns would collapse in a row object. */
function aliased(q: string): string {
  const m = /^SELECT ([\s\S]*) FROM (\w+) GROUP BY 1$/.exec(q.trim());
  if (!m) throw new Error(`unexpected query ${q}`);
  const items: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of m[1]) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      items.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  items.push(cur.trim());
  const named = items.map((item, i) => `${item.replace(/ AS k$/, "")} AS c${i}`);
  return `SELECT ${named.join(", ")} FROM ${m[2]} GROUP BY 1`;
}

/** Everything the rollups hold, read as a dashboard would (SUM/MIN/MAX … GROUP BY). */
export async function snapshot(db: Db, tables: string[]): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const name of tables) {
    let q: string;
    if (name.startsWith("health_")) q = `SELECT ${HEALTH_SQL} FROM ${name} GROUP BY 1`;
    else if (name.startsWith("entity_traffic_")) q = `SELECT ${ENTITY_SQL} FROM ${name} GROUP BY 1`;
    else {
      const family = name.replace(/_(minutes|hours)$/, "");
      q = `SELECT extract(epoch FROM bucket_ts)::int8 || '|' || ${CODE_KEYS[family]} || '|' || status_code AS k,
        sum(count) FROM ${name} GROUP BY 1`;
    }
    const rows = await queryRows<Record<string, unknown>>(db, sql.raw(aliased(q)));
    const map: Record<string, (number | null)[]> = {};
    for (const row of rows) {
      const values = Object.values(row);
      const key = String(values[0]);
      map[key] = values.slice(1).map((v, i, all) => {
        // trailing histogram columns stay strings ("" when empty)
        const histCols = name.startsWith("health_") ? 2 : name.startsWith("entity_traffic_") ? 1 : 0;
        if (i >= all.length - histCols) return (v ?? "") as unknown as number;
        return v === null ? null : Number(v);
      });
    }
    if (rows.length > 0) out[name] = map;
  }
  return out;
}

export const ALL_TABLES = [
  "health_seconds",
  "health_minutes",
  "health_hours",
  ...[
    "codes_node",
    "codes_unmatched",
    "codes_route",
    "codes_api",
    "codes_consumer_route",
    "entity_traffic",
    "codes_cluster",
  ].flatMap((f) => [`${f}_minutes`, `${f}_hours`]),
];

/** Simulated native batches (lib/simulator) over [startS, startS + seconds), one per node-second. */
export function simulate(options: {
  seed: number;
  startS: number;
  seconds: number;
  perSecond: number;
  nodes?: number;
  tag?: string;
  /** the entities' seed; the same value gives the same ids (overlapping keys across simulations) */
  clusterSeed?: number;
}): { raw: NativeBatch[]; batches: IngestBatch[] } {
  const cluster = createCluster({
    nodes: options.nodes ?? 3,
    seed: options.clusterSeed ?? options.seed,
    consumers: 50,
  });
  const rng = createRng(options.seed * 7 + 1);
  const raw: NativeBatch[] = [];
  for (let s = 0; s < options.seconds; s++) {
    const at = options.startS + s;
    cluster.nodes.forEach((node, n) => {
      const count = Math.floor(rng() * options.perSecond);
      raw.push({
        batch_id: `${options.tag ?? "t"}-${options.seed}-${at}-${n}`,
        node: { id: node.id, hostname: node.hostname, version: node.version },
        requests: Array.from({ length: count }, () =>
          generateRequest(cluster, rng, at * 1000 + Math.floor(rng() * 1000)),
        ),
        stats: [generateStats(rng, at, count)],
      });
    });
  }
  return { raw, batches: raw.map((b) => validateNativeBatch(JSON.parse(JSON.stringify(b)))) };
}
