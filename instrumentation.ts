/**
 * Next.js start-up hook: migrate the database and start the background jobs (retention, exporters) as
 * soon as the server boots, rather than on the first request.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getRuntime } = await import("./server/runtime");
  try {
    const runtime = await getRuntime();
    const shutdown = async () => {
      await runtime.stop();
      process.exit(0);
    };
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  } catch (err) {
    // The database may be down at boot; /api/health answers 503 and the runtime starts on first use.
    console.error("[gatewatch] start-up deferred:", err instanceof Error ? err.message : err);
  }
}
