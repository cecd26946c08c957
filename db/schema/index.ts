export * from "./entities";
export * from "./plugins";
export * from "./prometheus";
export * from "./rollups";
export * from "./statsd";
