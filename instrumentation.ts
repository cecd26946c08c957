/**
 * Next.js start-up hook: migrate the database and start the background jobs (retention, exporters) as
 * soon as the server boots, rather than on the first request. Node only: the import sits inside the
 * runtime check so that the edge build, where NEXT_RUNTIME is "edge", drops it.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startOnBoot } = await import("./server/runtime");
    await startOnBoot();
  }
}
