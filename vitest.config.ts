import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    environment: "node",
    include: ["**/*.test.ts"],
    exclude: ["node_modules", ".next", "e2e"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite instances are ~300 MB each; two cores.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
