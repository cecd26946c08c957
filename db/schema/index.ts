export * from "./entities";
export * from "./plugins";
export * from "./rollups";
export * from "./prometheus";
export * from "./statsd";
