/** The four gateway entity kinds a plugin can be scoped to, with their URL segments and display names. */
export const ENTITY_KINDS = ["service", "route", "consumer", "api"] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export const ENTITY_META: Record<
  EntityKind,
  /** `noun`: the word inside a sentence ("Delete this service?", "Create API"). */
  { label: string; noun: string; plural: string; segment: string; queryParam: string }
> = {
  service: {
    label: "Service",
    noun: "service",
    plural: "Services",
    segment: "services",
    queryParam: "serviceId",
  },
  route: { label: "Route", noun: "route", plural: "Routes", segment: "routes", queryParam: "routeId" },
  consumer: {
    label: "Consumer",
    noun: "consumer",
    plural: "Consumers",
    segment: "consumers",
    queryParam: "consumerId",
  },
  api: { label: "API", noun: "API", plural: "APIs", segment: "apis", queryParam: "apiId" },
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
