/**
 * Posts realistic Kong cluster traffic to Gatewatch's public ingest endpoint.
 *
 *   npm run simulate -- --url http://localhost:3000 --nodes 5 --rps 500 --duration 60
 *
 * --duration 0 runs until interrupted. --backfill N first posts the last N minutes so charts have history:
 * from after the last second the server already has traffic for, at --backfill-rps (default: the live rate,
 * so no step shows where history meets live traffic), several seconds per batch and node. --token sends
 * `Authorization: Bearer` (INGEST_TOKEN). --silent-after S makes the second-to-last node stop reporting after
 * S seconds; the last node is idle (stats, no requests).
 */
import { parseArgs } from "node:util";
import { createCluster, type NativeBatch } from "@/lib/simulator/cluster";
import { TrafficDriver } from "@/lib/simulator/driver";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:3000" },
    nodes: { type: "string", default: "5" },
    rps: { type: "string", default: "500" },
    duration: { type: "string", default: "60" },
    backfill: { type: "string", default: "0" },
    "backfill-rps": { type: "string" },
    "silent-after": { type: "string", default: "30" },
    seed: { type: "string", default: "42" },
    token: { type: "string", default: process.env.INGEST_TOKEN ?? "" },
    quiet: { type: "boolean", default: false },
  },
});

const base = values.url.replace(/\/$/, "");
const url = `${base}/api/ingest`;
const cluster = createCluster({ nodes: Number(values.nodes), seed: Number(values.seed) });
const headers: Record<string, string> = { "content-type": "application/json" };
if (values.token) headers.authorization = `Bearer ${values.token}`;

let sent = 0;
let failed = 0;

/** Posts one batch, retrying while the server answers 503 (database down); true once acknowledged. */
async function post(body: unknown): Promise<boolean> {
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      const res = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
      if (res.ok) return true;
      const text = await res.text();
      if (res.status < 500) {
        failed++;
        console.error(`ingest rejected (${res.status}): ${text.slice(0, 300)}`);
        return false;
      }
      // 503 with Retry-After: the database is down; retry the same batch (dedupe by batch_id).
      const wait = Number(res.headers.get("retry-after") ?? 1);
      await new Promise((r) => setTimeout(r, Math.min(wait, 5) * 1000));
    } catch {
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  failed++;
  return false;
}

/**
 * Where history should start: after the last second Gatewatch already holds traffic for, so a restarted demo
 * on a kept database fills the hole it left instead of laying a second history over the first (read from
 * the Vitals API, like any client would).
 */
async function backfillFrom(from: number): Promise<number> {
  try {
    const res = await fetch(`${base}/admin-api/vitals/cluster?interval=seconds&start_ts=${from}`, {
      headers,
    });
    if (!res.ok) return from;
    const body = (await res.json()) as {
      meta: { stat_labels: string[] };
      stats: { cluster?: Record<string, (number | null)[]> };
    };
    const at = body.meta.stat_labels.indexOf("requests_proxy_total");
    let next = from;
    for (const [ts, values] of Object.entries(body.stats.cluster ?? {}))
      if ((values[at] ?? 0) > 0) next = Math.max(next, Number(ts) + 1);
    return next;
  } catch {
    return from;
  }
}

/**
 * History goes in batches of several seconds per node, as a node that buffered while Gatewatch was away would
 * send it: a 10-minute backfill at 200 req/s is 300 posts instead of 3,000. At most 10 s and about 5,000
 * requests (~2.5 MB) per batch, well under the ingest body limit.
 */
function backfillChunkSeconds(rps: number, nodes: number): number {
  return Math.max(1, Math.min(10, Math.floor((5000 * nodes) / Math.max(1, rps))));
}

/** One batch per node for the seconds [from, to): the per-second batches concatenated, under the first one's id. */
function batchesForSeconds(driver: TrafficDriver, from: number, to: number): NativeBatch[] {
  const byNode = new Map<string, NativeBatch>();
  for (let s = from; s < to; s++)
    for (const b of driver.batchesFor(s)) {
      const merged = byNode.get(b.node.id);
      if (!merged) byNode.set(b.node.id, b);
      else {
        merged.requests.push(...b.requests);
        merged.stats.push(...b.stats);
      }
    }
  return [...byNode.values()];
}

async function sendBatches(batches: NativeBatch[]): Promise<void> {
  const acknowledged = await Promise.all(batches.map((b) => post(b)));
  // Only acknowledged batches count: those are the events Gatewatch promised to keep.
  sent += batches.reduce((n, b, i) => n + (acknowledged[i] ? b.requests.length : 0), 0);
}

async function main() {
  const duration = Number(values.duration);
  const now = Math.floor(Date.now() / 1000);
  const backfillMinutes = Number(values.backfill);
  if (backfillMinutes > 0) {
    const history = new TrafficDriver(cluster, {
      rps: Number(values["backfill-rps"] ?? values.rps),
      silentAfter: Number.POSITIVE_INFINITY,
      runId: `bf${now.toString(36)}`,
    });
    // Posting history takes a while; keep going until caught up with the clock so live traffic continues
    // without a hole (which the dashboard would rightly show as "silent").
    const from = await backfillFrom(now - backfillMinutes * 60);
    const chunk = backfillChunkSeconds(history.options.rps, cluster.nodes.length);
    let s = from;
    while (s < Math.floor(Date.now() / 1000)) {
      const upTo = Math.floor(Date.now() / 1000);
      const batch: Promise<void>[] = [];
      while (s < upTo && batch.length < 4) {
        const end = Math.min(upTo, s + chunk);
        batch.push(sendBatches(batchesForSeconds(history, s, end)));
        s = end;
      }
      await Promise.all(batch);
    }
    if (!values.quiet)
      console.log(`backfilled ${s - from} s since ${new Date(from * 1000).toISOString()} (${sent} requests)`);
  }
  const driver = new TrafficDriver(cluster, {
    rps: Number(values.rps),
    silentAfter: Number(values["silent-after"]),
  });
  const start = Math.floor(Date.now() / 1000);
  let stop = false;
  process.on("SIGINT", () => {
    stop = true;
  });
  process.on("SIGTERM", () => {
    stop = true;
  });
  for (let second = start; !stop && (duration <= 0 || second < start + duration); second++) {
    const wait = second * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await sendBatches(driver.batchesFor(second));
    if (!values.quiet && (second - start) % 10 === 0)
      console.log(`t+${second - start}s: ${sent} requests sent, ${failed} batches failed`);
  }
  console.log(`done: ${sent} requests acknowledged, ${failed} batches failed`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
