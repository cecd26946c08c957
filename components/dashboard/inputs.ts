import type { RangeInput } from "@/lib/time-range";

/**
 * Query inputs built one way for the server prefetch and the client view, so both hit the same cache key.
 */
export function healthInput(range: RangeInput, nodeId?: string) {
  return nodeId ? { range, nodeId } : { range };
}

/** One node's lines over the cluster charts. */
export function overlayInput(range: RangeInput, nodeId: string) {
  return { range, nodeId };
}

export function summaryInput(range: RangeInput, nodeId?: string) {
  return nodeId ? { range, nodeId } : { range };
}

export const CONSUMER_ROUTE_LIMIT = 10;

const PAIR_FILTER = { service: "serviceId", route: "routeId", consumer: "consumerId" } as const;

/** The consumer × route breakdown for an entity page; legacy APIs have no such breakdown (null). */
export function consumerRoutesInput(
  kind: "service" | "route" | "consumer" | "api",
  id: string,
  range: RangeInput,
) {
  if (kind === "api") return null;
  const filter = { [PAIR_FILTER[kind]]: id } as Partial<
    Record<(typeof PAIR_FILTER)[keyof typeof PAIR_FILTER], string>
  >;
  return { input: { range, ...filter, limit: CONSUMER_ROUTE_LIMIT }, filter };
}
