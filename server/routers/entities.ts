import { z } from "zod";
import { ENTITY_KINDS } from "@/lib/entities";
import {
  createEntity,
  deleteEntity,
  getEntity,
  listEntities,
  updateEntity,
  upsertEntity,
} from "../services/entities/entities";
import { listWorkspaces } from "../services/entities/workspaces";
import { publicProcedure, router } from "../trpc";

const kind = z.enum(ENTITY_KINDS);
/** `id` is an id or the endpoint key (name, or username for consumers), as in the Admin API paths. */
const key = z.object({ kind, id: z.string().min(1) });

/**
 * Gateway entities for the UI, in Kong's shapes. Bodies are Kong entity bodies: the service validates them
 * against the same Kong schemas as the Admin API (lib/entities) and throws ValidationError with `fields`.
 */
export const entitiesRouter = router({
  list: publicProcedure
    .input(
      z.object({
        kind,
        size: z.number().int().optional(),
        offset: z.string().nullish(),
        search: z.string().optional(),
        service: z.string().optional(),
      }),
    )
    .query(({ ctx, input }) => listEntities(ctx.db, input.kind, input)),
  /** Picker search by name or id (Kong Manager loads up to 1000 records). */
  search: publicProcedure
    .input(z.object({ kind, query: z.string(), limit: z.number().int().min(1).max(1000).default(50) }))
    .query(
      async ({ ctx, input }) =>
        (await listEntities(ctx.db, input.kind, { size: input.limit, search: input.query })).data,
    ),
  get: publicProcedure.input(key).query(({ ctx, input }) => getEntity(ctx.db, input.kind, input.id)),
  create: publicProcedure
    .input(z.object({ kind, body: z.record(z.string(), z.unknown()), service: z.string().optional() }))
    .mutation(({ ctx, input }) => createEntity(ctx.db, input.kind, input.body, { service: input.service })),
  /** PATCH semantics: `patch` is merged over the stored entity. */
  update: publicProcedure
    .input(key.extend({ patch: z.record(z.string(), z.unknown()) }))
    .mutation(({ ctx, input }) => updateEntity(ctx.db, input.kind, input.id, input.patch)),
  upsert: publicProcedure
    .input(key.extend({ body: z.record(z.string(), z.unknown()) }))
    .mutation(({ ctx, input }) => upsertEntity(ctx.db, input.kind, input.id, input.body)),
  delete: publicProcedure.input(key).mutation(({ ctx, input }) => deleteEntity(ctx.db, input.kind, input.id)),
  workspaces: publicProcedure.query(({ ctx }) => listWorkspaces(ctx.db)),
});
