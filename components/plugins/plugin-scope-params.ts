import type { EntityKind } from "@/components/entities/entity-kinds";

/** `?serviceId=…` (or routeId, consumerId, apiId): the entity page a plugin form was opened from. */
export type ScopeSearchParams = Partial<
  Record<"serviceId" | "routeId" | "consumerId" | "apiId", string | string[]>
>;

const PARAMS: [EntityKind, keyof ScopeSearchParams][] = [
  ["service", "serviceId"],
  ["route", "routeId"],
  ["consumer", "consumerId"],
  ["api", "apiId"],
];

/** The first scope parameter present; Kong Manager locks exactly one entity. */
export function lockedScopeFrom(params: ScopeSearchParams): { kind: EntityKind; id: string } | undefined {
  for (const [kind, key] of PARAMS) {
    const raw = params[key];
    const id = Array.isArray(raw) ? raw[0] : raw;
    if (id) return { kind, id };
  }
  return undefined;
}

export function scopeQueryString(scope: { kind: EntityKind; id: string } | undefined): string {
  if (!scope) return "";
  const key = PARAMS.find(([k]) => k === scope.kind)![1];
  return `?${key}=${encodeURIComponent(scope.id)}`;
}
