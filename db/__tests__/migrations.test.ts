import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../client";
import { createTestDb, type TestDb, testBackends } from "../testing";

describe.each(testBackends())("migrations on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t?.close());

  it("creates every rollup and entity table", async () => {
    const rows = await queryRows<{ table_name: string }>(
      t.db,
      sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    const names = rows.map((r) => r.table_name);
    for (const name of ["health_seconds", "codes_consumer_route_minutes", "plugins", "services", "nodes"]) {
      expect(names).toContain(name);
    }
  });
});
