import { afterEach, describe, expect, it } from "vitest";
import { ValidationError } from "@/server/errors";
import { windowsAt } from "@/server/services/rollups/maintenance";
import { bodySource, type ParseSpec, type PreparedBatch, type PrepareParams, prepareBatch } from "../prepare";
import { prepareBodiesInPool, stopPreparePool } from "../prepare-pool";
import { validateKongEntries, validateNativeBatch } from "../validate";
import { simulate } from "./oracle";

const RETENTION = { seconds: 3600, minutes: 25 * 3600, hours: 30 * 86_400 };
const nowS = Math.floor(Date.now() / 1000);
const params: PrepareParams = { windows: windowsAt(nowS, RETENTION), write: {} };
const bytesOf = (body: unknown) => Buffer.from(JSON.stringify(body));

/** One body through the pool on its own: its batch, or its failure thrown. */
async function prepareBody(bytes: Uint8Array, spec: ParseSpec, p: PrepareParams): Promise<PreparedBatch> {
  const { failures, groups } = await prepareBodiesInPool([{ bytes, spec }], p);
  if (failures[0] !== null) throw failures[0];
  expect(groups.map((g) => g.indexes)).toEqual([[0]]);
  return groups[0].group.members[0];
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

describe("prepareBody: parse, validate, aggregate and encode on a worker thread", () => {
  afterEach(async () => {
    delete process.env.INGEST_WORKERS;
    await stopPreparePool();
  });

  it("returns what prepareBatch computes in process, for concurrent bodies, without the rows", async () => {
    const { raw } = simulate({
      seed: 21,
      startS: nowS - 100,
      seconds: 3,
      perSecond: 300,
      nodes: 3,
      tag: "pool",
    });
    const results = await Promise.all(raw.map((b) => prepareBody(bytesOf(b), { format: "native" }, params)));
    results.forEach((fromWorker, i) => {
      const { tables, ...inline } = prepareBatch(validateNativeBatch(structuredClone(raw[i])), params);
      expect(tables?.byHour.size).toBeGreaterThan(0);
      // The rows stayed on the worker (the encoded inserts carry them): proof the work ran there.
      expect(fromWorker.tables).toBeUndefined();
      expect(fromWorker).toEqual(inline);
      expect(fromWorker.minuteInserts?.some((e) => e.table === "codes_consumer_route_minutes")).toBe(true);
    });
  });

  it("keeps the rows when some lie before the minute window (they go to the hour tables)", async () => {
    const { raw } = simulate({ seed: 22, startS: nowS - 3 * 3600, seconds: 1, perSecond: 50, nodes: 1 });
    const narrow: PrepareParams = {
      windows: windowsAt(nowS, { seconds: 3600, minutes: 7200, hours: 86_400 }),
      write: {},
    };
    const fromWorker = await prepareBody(bytesOf(raw[0]), { format: "native" }, narrow);
    const inline = prepareBatch(validateNativeBatch(structuredClone(raw[0])), narrow);
    expect(fromWorker.minuteInserts).toBeNull();
    expect(fromWorker.oldBuckets.length).toBeGreaterThan(0);
    expect(fromWorker).toEqual(inline);
  });

  it("rejects with the validator's ValidationError, every bad field named by path", async () => {
    const { raw } = simulate({ seed: 23, startS: nowS - 10, seconds: 1, perSecond: 40, nodes: 1 });
    const bad = structuredClone(raw[0]) as unknown as { requests: Record<string, Record<string, unknown>>[] };
    bad.requests[2].response.status = 7;
    bad.requests[4].consumer = { id: "alice" };
    bad.requests[5].route = { id: "r-1", name: 5 };
    bad.requests[6].api = { id: null };
    const err = await rejection(prepareBody(bytesOf(bad), { format: "native" }, params));
    expect(err).toBeInstanceOf(ValidationError);
    const inline = (() => {
      try {
        validateNativeBatch(structuredClone(bad));
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect((err as ValidationError).issues).toEqual([
      { path: "requests[2].response.status", message: "expected integer 100–999" },
      { path: "requests[4].consumer.id", message: "expected a uuid" },
      { path: "requests[5].route.id", message: "expected a uuid" },
      { path: "requests[5].route.name", message: "expected a string of at most 512 characters" },
      { path: "requests[6].api.id", message: "expected a uuid" },
    ]);
    expect((err as ValidationError).message).toBe(inline?.message);
    const notJson = await rejection(prepareBody(Buffer.from("[1,"), { format: "native" }, params));
    expect((notJson as ValidationError).issues).toEqual([{ path: "(body)", message: "invalid JSON" }]);
  });

  it("reads Kong http-log entries with the node named outside the body", async () => {
    const { raw } = simulate({ seed: 24, startS: nowS - 10, seconds: 1, perSecond: 40, nodes: 1 });
    const node = { id: raw[0].node.id.toUpperCase(), hostname: "kong-1", version: "3.9.0" };
    // Kong 3.x names the workspace by id, with its name alongside.
    const entries = raw[0].requests.map(({ workspace, ...r }) => ({
      ...r,
      workspace: workspace?.id,
      workspace_name: workspace?.name,
    }));
    const fromWorker = await prepareBody(bytesOf(entries), { format: "kong", node }, params);
    const { tables: _, ...inline } = prepareBatch(
      validateKongEntries(structuredClone(entries), node),
      params,
    );
    expect(fromWorker).toEqual(inline);
    expect(fromWorker.node.id).toBe(raw[0].node.id.toLowerCase());
    const err = await rejection(prepareBody(bytesOf([{ started_at: 1 }]), { format: "kong", node }, params));
    expect((err as ValidationError).issues).toEqual([
      { path: "[0].response", message: "expected an object with status" },
    ]);
  });

  it("prepares on the calling thread with INGEST_WORKERS=0", async () => {
    process.env.INGEST_WORKERS = "0";
    const { raw } = simulate({ seed: 25, startS: nowS - 10, seconds: 1, perSecond: 40, nodes: 1 });
    const prepared = await prepareBody(bytesOf(raw[0]), { format: "native" }, params);
    expect(prepared.tables).toBeDefined();
  });

  it("rebuilds what the worker kept (events for observers, rows for late data) from the same body", async () => {
    const { raw } = simulate({ seed: 26, startS: nowS - 10, seconds: 1, perSecond: 40, nodes: 1 });
    const bytes = bytesOf(raw[0]);
    const spec = { format: "native" } as const;
    const prepared = await prepareBody(bytes, spec, params);
    expect(prepared.tables).toBeUndefined();
    const source = bodySource(bytes, spec, params, prepared);
    expect(source.observed.eventCount).toBe(raw[0].requests.length);
    const inline = validateNativeBatch(structuredClone(raw[0]));
    expect(source.observed.events).toEqual(inline.events);
    expect(source.observed.events).toBe(source.observed.events); // parsed once
    expect(source.tables()).toEqual(prepareBatch(inline, params).tables);
  });
});
