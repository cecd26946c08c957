import { createLoader, parseAsStringLiteral } from "nuqs/server";
import { PLUGIN_NAMES, type PluginName } from "@/lib/plugins";

/** The plugin list's URL state: a name filter and a scope filter (STYLE habit 5). */
export const PLUGIN_SCOPE_FILTERS = ["all", "global", "service", "route", "consumer", "api"] as const;
export type PluginScopeFilter = (typeof PLUGIN_SCOPE_FILTERS)[number];

export const pluginListParams = {
  name: parseAsStringLiteral(PLUGIN_NAMES),
  scope: parseAsStringLiteral(PLUGIN_SCOPE_FILTERS).withDefault("all"),
};

export const loadPluginListParams = createLoader(pluginListParams);

/** The plugins router's list input for the URL state (shared by the server prefetch and the client view). */
export function pluginListInput(params: { name: PluginName | null; scope: PluginScopeFilter }) {
  return {
    ...(params.name ? { name: params.name } : {}),
    ...(params.scope !== "all" ? { scope: params.scope } : {}),
  };
}
