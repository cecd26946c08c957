import Link from "next/link";
import type { ReactNode } from "react";
import { AppNav } from "@/components/layout/app-nav";
import { ThemeToggle } from "@/components/layout/theme-toggle";

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 hidden h-screen w-52 shrink-0 flex-col gap-6 border-r border-border bg-surface p-4 md:flex">
        <Link href="/" className="flex items-center gap-2 px-3 text-base font-semibold tracking-tight">
          <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-accent" />
          Gatewatch
        </Link>
        <AppNav />
        <div className="mt-auto px-1">
          <ThemeToggle />
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-4 py-5 md:px-8">{children}</main>
    </div>
  );
}
