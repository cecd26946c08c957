import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * A worker thread running the TypeScript module `file` (relative to `callerUrl`) from sources, through tsx:
 * how vitest and the tsx scripts start one. Inside Next (NEXT_RUNTIME is set) callers write
 * `new Worker(new URL("./file.ts", import.meta.url))` instead, the form the bundler turns into a worker chunk
 * of its own; here the path is made at run time, so the bundler does not also copy the source as an asset.
 */
export function sourceWorker(callerUrl: string, file: string, options: WorkerOptions = {}): Worker {
  const entry = JSON.stringify(new URL(file, callerUrl).href);
  const from = JSON.stringify(callerUrl);
  return new Worker(`import("tsx/esm/api").then((tsx) => tsx.tsImport(${entry}, ${from}))`, {
    ...options,
    eval: true,
  });
}
