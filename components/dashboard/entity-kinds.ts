import type { EntityKind } from "./types";

export const ENTITY_META: Record<
  EntityKind,
  { title: string; singular: string; path: string; description: string }
> = {
  service: {
    title: "Services",
    singular: "service",
    path: "/services",
    description: "Upstream services and their traffic",
  },
  route: { title: "Routes", singular: "route", path: "/routes", description: "Routes and their traffic" },
  consumer: {
    title: "Consumers",
    singular: "consumer",
    path: "/consumers",
    description: "Authenticated consumers and their traffic",
  },
  api: {
    title: "APIs",
    singular: "API",
    path: "/apis",
    description: "Legacy API entities (Kong ≤ 0.14) and their traffic",
  },
};
