import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/routers/_app";

/** Shapes of the dashboard API as the browser sees them (type-only: nothing from server/ ships). */
type Out = inferRouterOutputs<AppRouter>["dashboard"];
type In = inferRouterInputs<AppRouter>["dashboard"];

export type HealthSeries = Out["health"];
export type HealthPoint = HealthSeries["points"][number];
export type OverlaySeries = Out["overlay"];
export type OverlayPoint = OverlaySeries["points"][number];
export type SummaryComparison = Out["summary"];
export type Summary = SummaryComparison["current"];
export type StatusCodeSeries = Out["statusCodes"];
export type EntityTable = Out["entities"];
export type EntityRow = EntityTable["rows"][number];
export type ConsumerRouteTable = Out["consumerRoutes"];
export type NodeTable = Out["nodes"];
export type NodeRow = NodeTable["rows"][number];
export type EntityKind = In["entities"]["kind"];
export type EntityScope = In["statusCodes"]["entity"];
export type SystemSettings = inferRouterOutputs<AppRouter>["system"]["settings"];
