import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { ValidationError } from "@/server/errors";
import { stopRuntime } from "@/server/runtime";
import { simulate } from "@/server/services/ingest/__tests__/oracle";
import { ingestQueueStats } from "@/server/services/ingest/ingest-queue";
import { useTestDb } from "@/server/testing/http";
import { createCallerFactory, router } from "@/server/trpc";
import { ingestRouter } from "../ingest";

describe.each(testBackends())("tRPC ingest.batch on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    // The mutation takes the runtime's observers; without this the runtime would open ./.data/pglite.
    useTestDb(t.db);
  });
  afterAll(async () => {
    await stopRuntime();
    await t?.close();
  });
  const caller = () => createCallerFactory(router({ ingest: ingestRouter }))({ db: t.db });

  it("ingests a native batch once", async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const { raw } = simulate({ seed: 9, startS: nowS - 5, seconds: 1, perSecond: 25, nodes: 1, tag: "trpc" });
    const queued = ingestQueueStats(t.db).bodies;
    const first = await caller().ingest.batch(raw[0]);
    // written through the group-commit queue of POST /api/ingest, not beside it
    expect(ingestQueueStats(t.db).bodies).toBe(queued + 1);
    expect(first).toMatchObject({
      batch_id: raw[0].batch_id,
      accepted: true,
      events: raw[0].requests.length,
    });
    expect((await caller().ingest.batch(raw[0])).accepted).toBe(false);
    const [r] = await queryRows<{ n: string }>(t.db, sql`SELECT sum(requests) AS n FROM health_seconds`);
    expect(Number(r.n)).toBe(raw[0].requests.length);
  });

  it("rejects bad input as BAD_REQUEST with the same field paths", async () => {
    const err = await caller()
      .ingest.batch({
        batch_id: "",
        node: { id: "x", hostname: "" },
        requests: [{ started_at: -1 }],
      } as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("BAD_REQUEST");
    const cause = (err as TRPCError).cause;
    expect(cause).toBeInstanceOf(ValidationError);
    expect((cause as ValidationError).issues.map((i) => i.path)).toEqual([
      "batch_id",
      "node.id",
      "node.hostname",
      "requests[0].started_at",
      "requests[0].response",
    ]);
  });

  it("answers a call without input BAD_REQUEST naming the body, not a server error", async () => {
    const err = await caller()
      .ingest.batch(undefined as never)
      .catch((e: unknown) => e);
    expect((err as TRPCError).code).toBe("BAD_REQUEST");
    expect(((err as TRPCError).cause as ValidationError).issues.map((i) => i.path)).toEqual(["(body)"]);
  });
});
