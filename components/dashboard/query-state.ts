/** The StatePanel props of a TanStack query: loading only before the first data, errors by message. */
export function queryState(q: { isPending: boolean; error: unknown }) {
  return {
    isLoading: q.isPending,
    error: q.error ? { message: q.error instanceof Error ? q.error.message : String(q.error) } : null,
  };
}
