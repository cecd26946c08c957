"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "@/components/forms/toast";
import { useTRPC } from "@/lib/trpc/client";

/** A switch that enables or disables a plugin instance in place. */
export function EnabledToggle({
  pluginId,
  enabled,
  label,
}: {
  pluginId: string;
  enabled: boolean;
  label: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mutation = useMutation(
    trpc.plugins.setEnabled.mutationOptions({
      onSuccess: async (_data, vars) => {
        toast(`${label} ${vars.enabled ? "enabled" : "disabled"}`);
        await queryClient.invalidateQueries({ queryKey: trpc.plugins.pathKey() });
      },
      onError: (err) => toast(err.message, "error"),
    }),
  );
  const shown = mutation.isPending ? Boolean(mutation.variables?.enabled) : enabled;
  return (
    <button
      type="button"
      role="switch"
      aria-checked={shown}
      aria-label={`Enabled: ${label}`}
      disabled={mutation.isPending}
      onClick={() => mutation.mutate({ id: pluginId, enabled: !shown })}
      className={`relative inline-flex h-5 w-9 shrink-0 items-center rounded-full border transition-colors disabled:opacity-60 ${
        shown ? "border-accent bg-accent" : "border-border bg-surface-muted"
      }`}
    >
      <span
        aria-hidden
        className={`inline-block h-3.5 w-3.5 rounded-full bg-surface shadow transition-transform ${
          shown ? "translate-x-4" : "translate-x-0.5"
        }`}
      />
    </button>
  );
}
