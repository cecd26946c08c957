"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const ITEMS = [
  { href: "/", label: "Overview" },
  { href: "/nodes", label: "Nodes" },
  { href: "/services", label: "Services" },
  { href: "/routes", label: "Routes" },
  { href: "/consumers", label: "Consumers" },
  { href: "/apis", label: "APIs" },
  { href: "/plugins", label: "Plugins" },
  { href: "/settings", label: "Settings" },
] as const;

/** The main navigation: a column in the sidebar, a scrolling row on small screens. */
export function AppNav({ horizontal = false }: { horizontal?: boolean }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className={horizontal ? "flex gap-0.5 py-1.5" : "flex flex-col gap-0.5"}>
      {ITEMS.map((item) => {
        const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={`whitespace-nowrap rounded-md px-3 py-2 text-sm ${
              active ? "bg-surface-muted font-medium text-foreground" : "text-muted hover:text-foreground"
            }`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
