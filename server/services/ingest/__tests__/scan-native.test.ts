import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/simulator/random";
import { ValidationError } from "@/server/errors";
import { parseIngestBody } from "../prepare";
import { scanNativeBatch } from "../scan-native";
import type { IngestBatch } from "../types";
import { validateNativeBatch } from "../validate";
import { simulate } from "./oracle";

/**
 * The one-pass reader must mean exactly what JSON.parse + validateNativeBatch mean for every body it
 * accepts, and accept nothing they reject. Each case compares the two on the same bytes.
 */

/** What the general path makes of a body: the batch, or "rejected" (400). */
function general(text: string): IngestBatch | "rejected" {
  try {
    return validateNativeBatch(JSON.parse(text));
  } catch (err) {
    if (err instanceof ValidationError || err instanceof SyntaxError) return "rejected";
    throw err;
  }
}

/** The fast path agrees with the general one: same batch, or it gave up. Returns whether it read the body. */
function agrees(text: string): boolean {
  const fast = scanNativeBatch(Buffer.from(text));
  const slow = general(text);
  if (fast === null) return false;
  expect(slow, `fast path accepted a body the validator rejects: ${text.slice(0, 300)}`).not.toBe("rejected");
  expect(fast).toEqual(slow);
  return true;
}

const SVC = "198b70ab-8730-4b47-8c19-e36619927233";
const ROUTE = "f195244c-c6cb-49fb-ad52-f84d9e757e17";
const CONSUMER = "f450ddf1-658f-4025-b8ff-eb93b0f5550f";
const API = "0b4c7a3e-2f1d-4e55-9a0b-0c1d2e3f4a5b";
const WS = "7a6152ff-e2a6-4d88-97a3-8611c2de70f0";

type Json = Record<string, unknown>;

function base(): Json {
  const event = (over: Json = {}): Json => ({
    started_at: 1_795_323_341_000,
    service: { id: SVC, name: "orders", host: "orders.internal" },
    route: { id: ROUTE, name: "orders-v1" },
    api: null,
    consumer: { id: CONSUMER, username: "consumer-1", custom_id: "c-1" },
    workspace: { id: WS, name: "default" },
    request: { size: 746 },
    response: { status: 200, size: 3232 },
    latencies: { request: 49, kong: 2, proxy: 47 },
    ...over,
  });
  return {
    batch_id: "b-1",
    node: { id: "5f0e8f44-9b0e-4c59-8d7a-0a4b8c9d1e2f", hostname: "gw-1", version: "3.4.0" },
    requests: [
      event(),
      event({ consumer: null, response: { status: 401 }, latencies: { request: 1, kong: 1, proxy: -1 } }),
      event({
        service: null,
        route: null,
        consumer: null,
        workspace: null,
        api: { id: API, name: "legacy" },
      }),
      event({ latencies: null, request: null, response: { status: 503, size: 0 } }),
      event({ service: { id: SVC }, route: { id: ROUTE, name: null } }),
    ],
    stats: [
      { at: 1_795_323_341, cache_datastore_hits: 3, cache_datastore_misses: 1, datastore_reachable: true },
    ],
  };
}

/** Sets `value` at `path` (dots; digits index arrays) in a copy of the base body; undefined deletes. */
function withField(path: string, value: unknown): string {
  const body = base();
  const keys = path.split(".");
  let at: Record<string, unknown> = body;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  if (value === undefined) delete at[last];
  else at[last] = value;
  return JSON.stringify(body);
}

/** The same value with every object's keys in reverse order. */
function reversed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversed);
  if (typeof v !== "object" || v === null) return v;
  return Object.fromEntries(
    Object.entries(v)
      .reverse()
      .map(([k, x]) => [k, reversed(x)]),
  );
}

describe("scanNativeBatch: the one-pass reader of native bodies", () => {
  it("reads simulator batches (with stats) exactly as JSON.parse + validation does", () => {
    const { raw } = simulate({
      seed: 5,
      startS: 1_795_300_000,
      seconds: 4,
      perSecond: 400,
      nodes: 3,
      tag: "scan",
    });
    for (const body of raw) expect(agrees(JSON.stringify(body))).toBe(true);
    const text = JSON.stringify(raw[0]);
    expect(parseIngestBody(Buffer.from(text), { format: "native" })).toEqual(general(text));
  });

  it("reads the forms gateways send: nulls, absent members, -1 latencies, whitespace, key order, unknown keys", () => {
    const accepted = [
      JSON.stringify(base()),
      JSON.stringify(base(), null, 2),
      JSON.stringify(reversed(base())).replace("{", '{"extra":{"a":[1,-2,true,false,null,"x"]},'),
      withField("requests.0.latencies", { request: 5, kong: 1, proxy: -1, receive: 0 }),
      withField("requests.0.latencies", {}),
      withField("requests.0.request", {}),
      withField("requests.0.service", { id: SVC, name: "ö-ünïcode ✓ 🚀", host: "" }),
      withField("requests.0.service.id", SVC.toUpperCase()),
      withField("requests.0.consumer", { id: CONSUMER, tags: ["a", "b"], created_at: 1 }),
      withField("requests.0.service.name", "x".repeat(512)),
      withField("requests", []),
      withField("requests", null),
      withField("requests", undefined),
      JSON.stringify(base()).replace('"at":1795323341', '"at":1.795323341e9'), // stats go through JSON.parse
    ];
    for (const text of accepted) expect(agrees(text), text.slice(0, 200)).toBe(true);
  });

  it("gives up on what it does not read, leaving the answer (often a 400) to the validator", () => {
    const cases = [
      withField("requests.0.service.name", "back\\slash"),
      JSON.stringify(base()).replace('"orders"', '"or\\"ders"'),
      withField("requests.0.service.name", "x".repeat(513)),
      withField("requests.0.latencies.kong", 1.5),
      withField("requests.0.latencies.kong", -2),
      withField("requests.0.latencies.kong", 86_400_001),
      withField("requests.0.request.size", "123"),
      withField("requests.0.request.size", -1),
      withField("requests.0.response.status", 99),
      withField("requests.0.response.status", 1000),
      withField("requests.0.response.status", "200"),
      withField("requests.0.response", null),
      withField("requests.0.response", undefined),
      withField("requests.0.response", { size: 1 }),
      withField("requests.0.started_at", -1),
      withField("requests.0.started_at", 1.5),
      withField("requests.0.started_at", 9e15),
      withField("requests.0.started_at", undefined),
      withField("requests.0.service", "orders"),
      withField("requests.0.service", {}),
      withField("requests.0.service", { id: "not-a-uuid" }),
      // 36 bytes between quotes, as a uuid takes, but an escape or another string inside them
      JSON.stringify(base()).replace(`"id":"${SVC}"`, `"id":"${SVC.slice(0, 30)}\\u0061"`),
      withField("requests.0.service", { id: "abc", name: "x".repeat(23) }),
      withField("requests.0.service", { id: SVC, name: 7 }),
      withField("requests.0.latencies", []),
      withField("requests.0.workspace", WS),
      withField("requests", {}),
      withField("requests.1", 5),
      withField("batch_id", undefined),
      withField("node.id", "nope"),
      JSON.stringify(base()).replace('"started_at":1795323341000', '"started_at":01795323341000'),
      JSON.stringify(base()).replace('"kong":2', '"kong":2e0'),
      JSON.stringify(base()).replace('"proxy":-1', '"proxy":- 1'),
      JSON.stringify(base()).replace('"service":{', '"service":{"id":"x",'),
      JSON.stringify(base()).replace('"api":null', '"api":null,"api":null'),
      JSON.stringify(base()).replace('"requests":[', '"requests":[],"requests":['),
      JSON.stringify(base()).replace('"orders"', '"or\tders"'),
      `${JSON.stringify(base())}x`,
      JSON.stringify(base()).slice(0, -10),
      `\uFEFF${JSON.stringify(base())}`,
      "[]",
      "",
    ];
    for (const text of cases) {
      expect(scanNativeBatch(Buffer.from(text)), text.slice(0, 200)).toBeNull();
    }
  });

  it("reads many similar names, and leaves spans crafted to share a hash to the general path", () => {
    const withServices = (name: (i: number) => string) => {
      const body = base();
      const first = (body.requests as Json[])[0];
      body.requests = Array.from({ length: 200 }, (_, i) => ({
        ...first,
        service: { id: SVC, name: name(i), host: `${name(i)}.ns.svc.cluster.local` },
      }));
      return JSON.stringify(body);
    };
    const pad3 = (i: number) => String(i).padStart(3, "0");
    expect(agrees(withServices((i) => `svc-${pad3(i)}`))).toBe(true);
    // equal length, equal first and last 16 bytes: every name shares one hash, past the probe limit
    const crafted = withServices((i) => `${"a".repeat(17)}${pad3(i)}${"b".repeat(20)}`);
    expect(scanNativeBatch(Buffer.from(crafted))).toBeNull();
    expect(parseIngestBody(Buffer.from(crafted), { format: "native" })).toEqual(general(crafted));
  });

  it("never disagrees with the validator on randomly damaged bodies", () => {
    const rng = createRng(99);
    const original = Buffer.from(JSON.stringify(base()));
    const alphabet = Buffer.from('{}[],:"\\-0123456789.eE nultrfase');
    let read = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = Buffer.from(original);
      const edits = 1 + Math.floor(rng() * 3);
      let body = bytes;
      for (let j = 0; j < edits; j++) {
        const at = Math.floor(rng() * body.length);
        const roll = rng();
        if (roll < 0.4) body[at] = alphabet[Math.floor(rng() * alphabet.length)];
        else if (roll < 0.7) body = Buffer.concat([body.subarray(0, at), body.subarray(at + 1)]);
        else body = Buffer.concat([body.subarray(0, at), body.subarray(at, at + 1), body.subarray(at)]);
      }
      if (agrees(body.toString("utf8"))) read++;
    }
    // some damage leaves a valid batch (a digit changed), which the fast path must still read alike
    expect(read).toBeGreaterThan(100);
  });
});
