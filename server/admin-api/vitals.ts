import type { CodesEntity } from "../services/vitals/codes";
import {
  getVitalsConsumerRequests,
  getVitalsStatusCodeClasses,
  getVitalsStatusCodes,
} from "../services/vitals/codes";
import { vitalsHealthJson } from "../services/vitals/health";
import { getVitalsIndex } from "../services/vitals/index-info";
import { parseVitalsQuery, type VitalsInterval } from "../services/vitals/params";
import { jsonText, kongJson } from "./kong-reply";
import type { AdminContext, AdminRoute } from "./router";

/** The code rollups start at minutes: `interval=seconds` is a 400 there (health and classes keep seconds). */
const CODE_INTERVALS: readonly VitalsInterval[] = ["minutes", "hours", "days"];

const ok = (body: unknown) => kongJson(200, body);

function byEntity(entity: CodesEntity, param: string) {
  return async ({ db, url }: AdminContext) =>
    ok(
      await getVitalsStatusCodes(db, {
        entity,
        rawId: url.searchParams.get(param),
        query: parseVitalsQuery(url, { allowed: CODE_INTERVALS }),
      }),
    );
}

const classes = async ({ db, url }: AdminContext) =>
  ok(await getVitalsStatusCodeClasses(db, { query: parseVitalsQuery(url) }));

const consumerCluster = async ({ db, url, params }: AdminContext) =>
  ok(
    await getVitalsConsumerRequests(db, {
      rawId: params.consumer,
      query: parseVitalsQuery(url, { allowed: CODE_INTERVALS }),
    }),
  );

/** Endpoints Kong also serves under a `/{workspace}` prefix; the workspace does not filter entity-keyed data. */
const workspaced: [string, AdminRoute["handle"]][] = [
  ["/vitals/status_codes/by_service", byEntity("service", "service_id")],
  ["/vitals/status_codes/by_route", byEntity("route", "route_id")],
  ["/vitals/status_codes/by_consumer", byEntity("consumer", "consumer_id")],
  ["/vitals/status_codes/by_consumer_and_route", byEntity("consumer_route", "consumer_id")],
  ["/vitals/consumers/:consumer/cluster", consumerCluster],
];

/** Kong-compatible Vitals API (kong-vitals §1.5–1.7); shapes are built in server/services/vitals. */
export const vitalsRoutes: AdminRoute[] = [
  { method: "GET", pattern: "/vitals", handle: async () => ok(getVitalsIndex()) },
  {
    method: "GET",
    pattern: "/vitals/cluster",
    handle: async ({ db, url }) =>
      jsonText(200, await vitalsHealthJson(db, { level: "cluster", query: parseVitalsQuery(url) })),
  },
  {
    method: "GET",
    pattern: "/vitals/nodes",
    handle: async ({ db, url }) =>
      jsonText(200, await vitalsHealthJson(db, { level: "nodes", query: parseVitalsQuery(url) })),
  },
  {
    method: "GET",
    pattern: "/vitals/nodes/:node",
    handle: async ({ db, url, params }) =>
      jsonText(
        200,
        await vitalsHealthJson(db, { level: "node", nodeId: params.node, query: parseVitalsQuery(url) }),
      ),
  },
  { method: "GET", pattern: "/vitals/status_code_classes", handle: classes },
  // Deprecated by Kong in favour of status_code_classes; same body.
  { method: "GET", pattern: "/vitals/cluster/status_codes", handle: classes },
  ...workspaced.flatMap(([pattern, handle]): AdminRoute[] => [
    { method: "GET", pattern, handle },
    { method: "GET", pattern: `/:workspace${pattern}`, handle },
  ]),
];
