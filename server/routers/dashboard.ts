import { z } from "zod";
import { rangeInput } from "@/lib/time-range";
import { getConsumerRoutes, getStatusCodeSeries } from "../services/rollups/read/codes";
import { getEntityDetail, getEntityTable } from "../services/rollups/read/entities";
import { getHealthSeries, getNodeTable, getOverlaySeries, getSummary } from "../services/rollups/read/health";
import { ENTITY_KINDS, ENTITY_SCOPES } from "../services/rollups/read/types";
import { publicProcedure, router } from "../trpc";

const uuid = z.uuid();

/** Status-code scope: cluster and unmatched take no id (unmatched may take a node id); the rest need one. */
export const entityScopeInput = z
  .object({ kind: z.enum(ENTITY_SCOPES), id: uuid.optional() })
  .refine((e) => e.kind === "cluster" || e.kind === "unmatched" || e.id !== undefined, {
    message: "id is required for this kind",
    path: ["id"],
  });

/**
 * The dashboard's read API (charts and tables). Every procedure takes a range expression; the service picks
 * the rollup, rounds to whole buckets and gap-fills. Output types live in server/services/rollups/read/types.ts.
 */
export const dashboardRouter = router({
  health: publicProcedure
    .input(z.object({ range: rangeInput, nodeId: uuid.optional() }))
    .query(({ ctx, input }) => getHealthSeries(ctx.db, input)),

  /** One node's lines over the cluster charts (the overview's node selector asks for each chosen node). */
  overlay: publicProcedure
    .input(z.object({ range: rangeInput, nodeId: uuid }))
    .query(({ ctx, input }) => getOverlaySeries(ctx.db, input)),

  summary: publicProcedure
    .input(z.object({ range: rangeInput, nodeId: uuid.optional() }))
    .query(({ ctx, input }) => getSummary(ctx.db, input)),

  statusCodes: publicProcedure
    .input(z.object({ range: rangeInput, entity: entityScopeInput }))
    .query(({ ctx, input }) => getStatusCodeSeries(ctx.db, input)),

  entities: publicProcedure
    .input(z.object({ range: rangeInput, kind: z.enum(ENTITY_KINDS) }))
    .query(({ ctx, input }) => getEntityTable(ctx.db, input)),

  consumerRoutes: publicProcedure
    .input(
      z.object({
        range: rangeInput,
        consumerId: uuid.optional(),
        routeId: uuid.optional(),
        serviceId: uuid.optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      }),
    )
    .query(({ ctx, input }) => getConsumerRoutes(ctx.db, input)),

  nodes: publicProcedure
    .input(z.object({ range: rangeInput }))
    .query(({ ctx, input }) => getNodeTable(ctx.db, input)),

  entity: publicProcedure
    .input(z.object({ kind: z.enum([...ENTITY_KINDS, "node"]), id: z.string().min(1) }))
    .query(({ ctx, input }) => getEntityDetail(ctx.db, input)),
});
