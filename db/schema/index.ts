export * from "./entities";
export * from "./plugins";
export * from "./rollups";
