import { handleMetricsRequest } from "@/server/http/metrics";
import type { AdminRoute } from "./router";

/** `GET /admin-api/metrics`: where Kong serves its prometheus exposition (Admin API `/metrics`). */
export const metricsRoutes: AdminRoute[] = [
  {
    method: "GET",
    pattern: "/metrics",
    handle: ({ req, db }) => handleMetricsRequest(req, async () => db),
  },
];
