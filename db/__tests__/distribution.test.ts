import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { getTableConfig, type PgTable } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { DISTRIBUTION, distributeSql } from "../distribution";
import * as schema from "../schema";

/** Static lint: the schema stays distributable on Citus (scale-notes §6, rules R1–R4, R9, R10). */
const tables = (Object.values(schema) as unknown[]).filter(
  (v): v is PgTable => typeof v === "object" && v !== null && Symbol.for("drizzle:IsDrizzleTable") in v,
);

describe("Citus-compatible schema", () => {
  it("every table has a distribution decision", () => {
    const names = tables.map((t) => getTableConfig(t).name).sort();
    expect(names).toEqual(Object.keys(DISTRIBUTION).sort());
  });

  for (const [name, { table, distribution }] of Object.entries(DISTRIBUTION)) {
    if (distribution.kind !== "distributed") continue;
    const config = getTableConfig(table);
    const column = (n: string) => config.columns.find((c) => c.name === n);

    it(`${name}: distribution column ${distribution.column} exists and is NOT NULL (R1, R2)`, () => {
      expect(column(distribution.column)?.notNull).toBe(true);
      if (distribution.partitioned) expect(column("bucket_ts")?.notNull).toBe(true);
    });

    it(`${name}: every unique key holds the partition key and the distribution column (R1)`, () => {
      const keys = [
        ...config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
        ...config.columns.filter((c) => c.primary).map((c) => [c.name]),
        ...config.uniqueConstraints.map((u) => u.columns.map((c) => c.name)),
      ];
      for (const key of keys) {
        expect(key).toContain(distribution.column);
        if (distribution.partitioned) expect(key).toContain("bucket_ts");
      }
    });

    it(`${name}: no foreign keys and no generated ids (R3, R4)`, () => {
      expect(config.foreignKeys).toHaveLength(0);
      for (const c of config.columns) {
        expect(c.columnType).not.toMatch(/Serial|Identity/);
        expect(c.generatedIdentity).toBeUndefined();
      }
    });
  }

  it("migrations are plain PostgreSQL: no Citus calls, no default partitions, no serial rollup keys (R9, R10)", () => {
    const dir = path.resolve("db/migrations");
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql"))) {
      const text = readFileSync(path.join(dir, file), "utf8").replace(/--.*$/gm, "");
      expect(text, file).not.toMatch(/create_distributed_table|create_reference_table/i);
      expect(text, file).not.toMatch(/PARTITION OF \S+\s+DEFAULT/i);
      expect(text, file).not.toMatch(/\bserial\b|GENERATED\s+(ALWAYS|BY DEFAULT)\s+AS\s+IDENTITY/i);
    }
  });

  it("upserts never assign volatile values in DO UPDATE SET (R5)", () => {
    const files = [
      ...readdirSync("server/services", { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.parentPath.includes("__tests__"))
        .map((e) => path.join(e.parentPath, e.name)),
      ...readdirSync("db/migrations")
        .filter((f) => f.endsWith(".sql"))
        .map((f) => path.join("db/migrations", f)),
    ];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/DO UPDATE SET([\s\S]*?)(?:;|`|RETURNING|WHERE\s)/gi)) {
        expect(match[1], file).not.toMatch(
          /\b(now|clock_timestamp|random|gen_random_uuid|nextval)\s*\(|current_timestamp/i,
        );
      }
    }
  });

  it("produces the distribution SQL users run on a coordinator", () => {
    const sql = distributeSql();
    expect(sql).toContain("SELECT create_reference_table('services')");
    expect(sql).toContain("SELECT create_distributed_table('codes_consumer_route_minutes', 'consumer_id'");
    // reference tables first, then colocation anchors before the tables colocated with them
    expect(sql.indexOf("'health_seconds', 'node_id'")).toBeLessThan(
      sql.indexOf("'health_minutes', 'node_id'"),
    );
  });
});
