"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import {
  API_KIND,
  ENTITY_META,
  type EntityKind,
  entityDisplayName,
  entityHref,
} from "@/components/entities/entity-kinds";
import { useTRPC } from "@/lib/trpc/client";
import { SCOPE_KINDS } from "./plugin-form-model";

type Refs = Partial<Record<EntityKind, { id: string } | null>>;

/** "Global", or each scoping entity as "Service: orders" (its name looked up, the id while loading). */
export function ScopeLabel({ refs, link }: { refs: Refs; link?: boolean }) {
  const parts = SCOPE_KINDS.filter((k) => refs[k]?.id);
  if (parts.length === 0) return <span>Global</span>;
  return (
    <span className="inline-flex flex-wrap gap-x-2">
      {parts.map((kind, i) => (
        <span key={kind}>
          <EntityRefName kind={kind} id={refs[kind]!.id} link={link} />
          {i < parts.length - 1 ? <span aria-hidden> ·</span> : null}
        </span>
      ))}
    </span>
  );
}

function EntityRefName({ kind, id, link }: { kind: EntityKind; id: string; link?: boolean }) {
  const trpc = useTRPC();
  const entity = useQuery({ ...trpc.entities.get.queryOptions({ kind: API_KIND[kind], id }), retry: false });
  const name = entity.data ? entityDisplayName(kind, entity.data) : id;
  const text = `${ENTITY_META[kind].label}: ${name}`;
  return link ? (
    <Link href={entityHref(kind, id)} className="text-accent hover:underline">
      {text}
    </Link>
  ) : (
    <span>{text}</span>
  );
}
