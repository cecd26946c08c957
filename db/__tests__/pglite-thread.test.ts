import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "@/server/errors";
import { closeDb, createPgliteDb, type Db, queryRows } from "../client";
import { PGliteThread } from "../pglite-thread";

/** Timer turns the event loop takes while `work` runs. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  const timer = setInterval(() => turns++, 2);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return turns;
}

const HEAVY = "SELECT count(*) FROM generate_series(1, 2000000) g WHERE g % 7 = 3";

describe("PGliteThread: PGlite on a thread of its own", () => {
  let pg: PGliteThread;
  beforeAll(async () => {
    pg = new PGliteThread();
    await pg.waitReady;
    await pg.exec("CREATE TABLE t (n int8 PRIMARY KEY, label text)");
  });
  afterAll(() => pg?.close());

  it("keeps the event loop turning while a statement runs, where PGlite in process holds it", async () => {
    const inProcess = new PGlite();
    try {
      await inProcess.query("SELECT 1");
      const held = await turnsDuring(() => inProcess.query(HEAVY));
      const free = await turnsDuring(() => pg.query(HEAVY));
      expect(held).toBeLessThanOrEqual(1);
      expect(free).toBeGreaterThanOrEqual(3);
    } finally {
      await inProcess.close();
    }
  });

  it("gives Drizzle the rows PGlite gives it in process", async () => {
    const inProcess = new PGlite();
    const thread = await createPgliteDb();
    try {
      const query = sql`SELECT to_timestamp(86400.5) AS ts, 2::int8 ^ 40 AS f, (2::int8 ^ 40)::int8 AS big,
        '\\x01ff'::bytea AS bytes, '{"a":[1,null]}'::jsonb AS doc, ARRAY[1, 2]::int4[] AS list, NULL::text AS none`;
      const expected = await queryRows(drizzle(inProcess) as unknown as Db, query);
      expect(expected[0].ts).toBe("1970-01-02 00:00:00.5+00"); // Drizzle keeps timestamps as text
      expect(await queryRows(thread, query)).toEqual(expected);
    } finally {
      await inProcess.close();
      await closeDb(thread);
    }
  });

  it("throws the database's error with its SQLSTATE and fields", async () => {
    await pg.query("INSERT INTO t VALUES (1, 'one')");
    await expect(pg.query("INSERT INTO t VALUES (1, 'again')")).rejects.toMatchObject({
      code: "23505",
      constraint: "t_pkey",
      message: expect.stringContaining("duplicate key"),
    });
    await expect(pg.query("SELECT * FROM missing")).rejects.toMatchObject({ code: "42P01" });
  });

  it("commits a transaction that resolves, rolls back one that throws or calls rollback()", async () => {
    await pg.transaction(async (tx) => {
      await tx.sql`INSERT INTO t VALUES (${10}, ${"kept"})`; // the tagged form numbers its parameters $1, $2
    });
    await expect(
      pg.transaction(async (tx) => {
        await tx.query("INSERT INTO t VALUES (11, 'dropped')");
        throw new Error("caller changed its mind");
      }),
    ).rejects.toThrow("caller changed its mind");
    await pg.transaction(async (tx) => {
      await tx.query("INSERT INTO t VALUES (12, 'rolled back')");
      await tx.rollback();
      expect(tx.closed).toBe(true);
      await expect(tx.query("SELECT 1")).rejects.toThrow("Transaction is closed");
    });
    const rows = await pg.query<{ n: number; label: string }>(
      "SELECT n::int AS n, label FROM t WHERE n >= 10 ORDER BY n",
    );
    expect(rows.rows).toEqual([{ n: 10, label: "kept" }]);
    expect(pg.isInTransaction()).toBe(false);
  });

  it("makes a statement outside an open transaction wait for its end, as PGlite in one thread does", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inside = false;
    const writer = pg.transaction(async (tx) => {
      await tx.query("INSERT INTO t VALUES (20, 'late')");
      inside = pg.isInTransaction();
      await held;
    });
    while (!inside) await new Promise((resolve) => setTimeout(resolve, 5));
    let read = false;
    const reader = pg.query<{ c: number }>("SELECT count(*)::int AS c FROM t WHERE n = 20").then((r) => {
      read = true;
      return r.rows[0].c;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(read).toBe(false);
    release();
    await writer;
    expect(await reader).toBe(1);
  });

  it("refuses a parser that would change values, which cannot cross threads", async () => {
    await expect(pg.query("SELECT 1::int8 AS n", [], { parsers: { 20: (v) => Number(v) } })).rejects.toThrow(
      /parser of type 20 changes values/,
    );
  });

  it("rejects every call once its thread is gone, as a database that went away (503, not 500)", async () => {
    const other = new PGliteThread();
    await other.waitReady;
    await other.close();
    const err = await other.query("SELECT 1").catch((e: unknown) => e);
    expect(err).toMatchObject({ message: expect.stringMatching(/exited/), code: "08006" });
    expect(isDatabaseUnavailable(err)).toBe(true);
  });
});
