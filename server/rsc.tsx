import "server-only";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { cache, type ReactNode } from "react";
import { makeQueryClient } from "@/lib/trpc/query-client";
import { appRouter } from "./routers/_app";
import { createContext } from "./trpc";

/** Server-side prefetch helpers: a page prefetches with `trpc.x.queryOptions()` and wraps its view. */
export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy({
  ctx: createContext,
  router: appRouter,
  queryClient: getQueryClient,
});

/**
 * Hands the page's prefetches to the client once they have settled, so the server renders every panel from
 * the same cache state the client hydrates with. Streamed while still pending, a query that resolved between
 * the server's render (a loading panel) and the client's hydration (data) made the two differ: React's
 * hydration failed (#418) and it rendered the whole document again, which dropped the theme class the root
 * layout's script puts on <html>. That happened whenever the database answered after the render began:
 * PostgreSQL always could, PGlite once it ran on its own thread. The queries take milliseconds.
 */
export async function HydrateClient({ children }: { children: ReactNode }) {
  const qc = getQueryClient();
  // A failed prefetch is not dehydrated: server and client both render it loading, and the client refetches.
  const settled = qc
    .getQueryCache()
    .getAll()
    .map((q) => q.promise?.catch(() => undefined));
  await Promise.all(settled);
  return <HydrationBoundary state={dehydrate(qc)}>{children}</HydrationBoundary>;
}
