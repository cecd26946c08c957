import { z } from "zod";
import { PLUGIN_SCOPES } from "@/lib/plugins";
import { NotFoundError } from "../errors";
import {
  createPlugin,
  deletePlugin,
  getPlugin,
  getPluginSchema,
  listPlugins,
  setPluginEnabled,
  updatePlugin,
  upsertPlugin,
} from "../services/plugins/plugins";
import { publicProcedure, router } from "../trpc";

const id = z.object({ id: z.string().min(1) });
/** A Kong plugin body; validated by the service against `pluginInputSchema`'s rules (lib/plugins). */
const body = z.record(z.string(), z.unknown());

export const pluginsRouter = router({
  list: publicProcedure
    .input(
      z
        .object({
          name: z.string().optional(),
          /** Instances of one scope type: `global` (no entity), or those that reference that entity kind. */
          scope: z.enum(PLUGIN_SCOPES).optional(),
          serviceId: z.string().optional(),
          routeId: z.string().optional(),
          consumerId: z.string().optional(),
          apiId: z.string().optional(),
          size: z.number().int().optional(),
          offset: z.string().nullish(),
        })
        .default({}),
    )
    .query(({ ctx, input: { scope, ...rest } }) => listPlugins(ctx.db, { ...rest, scopeType: scope })),
  get: publicProcedure.input(id).query(({ ctx, input }) => getPlugin(ctx.db, input.id)),
  /** The body is a Kong plugin body (scope as `service: {"id": …}` etc.). */
  create: publicProcedure.input(body).mutation(({ ctx, input }) => createPlugin(ctx.db, input)),
  /** PATCH semantics: merged over the stored plugin (config merged recursively, arrays replaced). */
  update: publicProcedure
    .input(id.extend({ patch: body }))
    .mutation(({ ctx, input }) => updatePlugin(ctx.db, input.id, input.patch)),
  /** PUT semantics: the whole plugin is replaced (defaults re-applied). */
  replace: publicProcedure
    .input(id.extend({ body }))
    .mutation(({ ctx, input }) => upsertPlugin(ctx.db, input.id, input.body)),
  setEnabled: publicProcedure
    .input(id.extend({ enabled: z.boolean() }))
    .mutation(({ ctx, input }) => setPluginEnabled(ctx.db, input.id, input.enabled)),
  delete: publicProcedure.input(id).mutation(({ ctx, input }) => deletePlugin(ctx.db, input.id)),
  schema: publicProcedure.input(z.object({ name: z.string() })).query(({ input }) => {
    const schema = getPluginSchema(input.name);
    if (!schema) throw new NotFoundError(`No plugin named '${input.name}'`);
    return schema;
  }),
});
