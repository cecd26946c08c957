import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite loads its wasm/data files from its package directory; bundling breaks that under webpack.
  serverExternalPackages: ["@electric-sql/pglite"],
  poweredByHeader: false,
};

export default nextConfig;
