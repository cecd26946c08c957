import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BinaryElement, binaryArray } from "../binary-array";
import type { DbKind } from "../client";
import { execWithParams } from "../pglite-protocol";
import { PGliteThread } from "../pglite-thread";
import { ZERO_UUID } from "../schema/rollups";
import { testBackends } from "../testing";

/** Arrays as Postgres itself sends them: array_send of the same values read from JSON. */
type Sender = (type: BinaryElement, values: unknown[]) => Promise<string>;
const sendSql = (type: BinaryElement) =>
  `SELECT encode(array_send(ARRAY(SELECT jsonb_array_elements_text($1::text::jsonb))::${type}[]), 'hex') AS hex`;

const CASES: [string, BinaryElement, unknown[]][] = [
  ["int2 bounds", "int2", [0, 1, -1, 32767, -32768, 429]],
  [
    "int8 around 2^32 and 2^53",
    "int8",
    [0, 1, -1, 4294967295, 4294967296, -4294967296, 2 ** 53 - 1, -(2 ** 53 - 1)],
  ],
  ["int8 unix seconds", "int8", [1795241880, 1795241940]],
  [
    "uuid either case",
    "uuid",
    [ZERO_UUID, "f47ac10b-58cc-4372-a567-0e02b2c3d479", "F47AC10B-58CC-4372-A567-0E02B2C3D479"],
  ],
  ["text, quotes and multibyte", "text", ["consumer", "", "ünïcødé ✓", "{1,2,3}", 'a"b\\c,d']],
  ["NULL elements", "int8", [1, null, 3]],
  ["NULL uuid", "uuid", [null, ZERO_UUID]],
  ["empty", "text", []],
];

/** A connection to `kind` that asks the server for array_send of values. */
async function openSender(kind: DbKind): Promise<{ send: Sender; close(): Promise<void> }> {
  if (kind === "pglite") {
    const pg = new PGlite();
    await pg.waitReady;
    return {
      send: async (type, values) =>
        (await pg.query<{ hex: string }>(sendSql(type), [JSON.stringify(values)])).rows[0].hex,
      close: () => pg.close(),
    };
  }
  const pg = postgres(process.env.TEST_DATABASE_URL as string, { max: 1, onnotice: () => {} });
  return {
    send: async (type, values) =>
      (await pg.unsafe<{ hex: string }[]>(sendSql(type), [JSON.stringify(values)]))[0].hex,
    close: () => pg.end(),
  };
}

describe.each(testBackends())("binaryArray matches array_send on %s", (kind) => {
  let backend: Awaited<ReturnType<typeof openSender>>;
  beforeAll(async () => {
    backend = await openSender(kind);
  });
  afterAll(() => backend?.close());

  it.each(CASES)("%s", async (_label, type, values) => {
    expect(Buffer.from(binaryArray(type, values)).toString("hex")).toBe(await backend.send(type, values));
  });
});

describe("binaryArray rejects what the column cannot hold", () => {
  it.each([
    ["int2", 32768],
    ["int2", 1.5],
    ["int8", 2 ** 53],
    ["int8", "7"],
    ["uuid", "f47ac10b58cc4372a5670e02b2c3d479"],
    ["uuid", "f47ac10b-58cc-4372-a567-0e02b2c3d47g"],
    ["uuid", "f47ac10b-58cc-4372-a567_0e02b2c3d479"],
    ["uuid", "f47ac10b-58cc-4372-a567-0e02b2c3d4é9"],
    ["uuid", 42],
  ] as [BinaryElement, unknown][])("%s %s", (type, value) => {
    expect(() => binaryArray(type, [value])).toThrow(RangeError);
  });
});

describe("execWithParams (PGlite on its thread)", () => {
  let pg: PGliteThread;
  beforeAll(async () => {
    pg = new PGliteThread();
    await pg.waitReady;
    await pg.exec("CREATE TABLE t (n int8 NOT NULL, label text, id uuid)");
  });
  afterAll(() => pg?.close());

  it("runs a statement with binary, text and NULL parameters inside a transaction", async () => {
    await pg.transaction(() =>
      execWithParams(pg, "INSERT INTO t SELECT * FROM unnest($1::int8[], $2::text[], $3::uuid[])", [
        binaryArray("int8", [1, 2 ** 40]),
        '{"x, y","ü"}',
        binaryArray("uuid", [ZERO_UUID, null]),
      ]),
    );
    await pg.transaction(() => execWithParams(pg, "INSERT INTO t VALUES ($1, $2, NULL)", ["3", null]));
    const rows = await pg.query("SELECT n::text AS n, label, id FROM t ORDER BY t.n");
    expect(rows.rows).toEqual([
      { n: "1", label: "x, y", id: ZERO_UUID },
      { n: "3", label: null, id: null },
      { n: String(2 ** 40), label: "ü", id: null },
    ]);
  });

  it("throws the database's error with its SQLSTATE, rolls back, and leaves PGlite usable", async () => {
    const before = (await pg.query<{ c: number }>("SELECT count(*)::int AS c FROM t")).rows[0].c;
    const failing = pg.transaction(async () => {
      await execWithParams(pg, "INSERT INTO t VALUES ($1, 'kept?', NULL)", ["4"]);
      await execWithParams(pg, "INSERT INTO t VALUES ($1, NULL, NULL)", ["not a number"]);
    });
    await expect(failing).rejects.toMatchObject({ code: "22P02" });
    expect((await pg.query<{ c: number }>("SELECT count(*)::int AS c FROM t")).rows[0].c).toBe(before);
  });

  it("refuses to run outside a transaction, where it would bypass PGlite's lock", async () => {
    await expect(execWithParams(pg, "SELECT 1", [])).rejects.toThrow(/inside a PGlite transaction/);
  });
});
