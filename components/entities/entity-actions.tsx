"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { dangerButtonClass } from "@/components/forms/styles";
import { toast } from "@/components/forms/toast";
import { buttonClass } from "@/components/ui/button";
import { useTRPC } from "@/lib/trpc/client";
import { API_KIND, ENTITY_META, type EntityKind } from "./entity-kinds";

/** Edit and Delete (with confirmation) for an entity detail page. */
export function EntityActions({ kind, entityId }: { kind: EntityKind; entityId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation(trpc.entities.delete.mutationOptions());
  const meta = ENTITY_META[kind];
  async function onDelete() {
    try {
      await remove.mutateAsync({ kind: API_KIND[kind], id: entityId });
    } catch {
      return; // the dialog shows the error
    }
    setConfirming(false);
    toast(`${meta.label} deleted`);
    await queryClient.invalidateQueries({ queryKey: trpc.entities.pathKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.plugins.pathKey() });
    router.push(`/${meta.segment}`);
  }
  return (
    <div className="flex items-center gap-2">
      <Link href={`/${meta.segment}/${encodeURIComponent(entityId)}/edit`} className={buttonClass()}>
        Edit
      </Link>
      <button type="button" className={dangerButtonClass} onClick={() => setConfirming(true)}>
        Delete
      </button>
      <ConfirmDialog
        open={confirming}
        title={`Delete this ${meta.noun}?`}
        pending={remove.isPending}
        error={remove.error?.message}
        onCancel={() => setConfirming(false)}
        onConfirm={onDelete}
      >
        {kind === "service"
          ? "Plugins scoped to it are deleted too. Kong refuses while routes still point at it."
          : "Plugins scoped to it are deleted too."}
      </ConfirmDialog>
    </div>
  );
}
