/** The four gateway entity kinds a plugin can be scoped to, with their URL segments and display names. */
export const ENTITY_KINDS = ["service", "route", "consumer", "api"] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export const ENTITY_META: Record<
  EntityKind,
  { label: string; plural: string; segment: string; queryParam: string }
> = {
  service: { label: "Service", plural: "Services", segment: "services", queryParam: "serviceId" },
  route: { label: "Route", plural: "Routes", segment: "routes", queryParam: "routeId" },
  consumer: { label: "Consumer", plural: "Consumers", segment: "consumers", queryParam: "consumerId" },
  api: { label: "API", plural: "APIs", segment: "apis", queryParam: "apiId" },
};

export function entityHref(kind: EntityKind, id: string): string {
  return `/${ENTITY_META[kind].segment}/${encodeURIComponent(id)}`;
}

/** The entities router and Admin API name kinds by their plural path segment. */
export const API_KIND = {
  service: "services",
  route: "routes",
  consumer: "consumers",
  api: "apis",
} as const satisfies Record<EntityKind, string>;

/** What a person calls an entity: its name (a consumer's username or custom_id), else its host, else its id. */
export function entityDisplayName(kind: EntityKind, entity: Record<string, unknown>): string {
  const pick = (...keys: string[]) => {
    for (const k of keys) if (typeof entity[k] === "string" && entity[k]) return entity[k] as string;
    return String(entity.id ?? "");
  };
  if (kind === "consumer") return pick("username", "custom_id");
  if (kind === "service") return pick("name", "host");
  return pick("name");
}
