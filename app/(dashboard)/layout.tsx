import Link from "next/link";
import type { ReactNode } from "react";
import { AppNav } from "@/components/layout/app-nav";
import { ThemeToggle } from "@/components/layout/theme-toggle";

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen">
      {/* The aside stretches with the page (its border and background run to the bottom); the inner column sticks. */}
      <aside className="hidden w-52 shrink-0 border-r border-border bg-surface md:block">
        <div className="sticky top-0 flex h-screen flex-col gap-6 p-4">
          <Link href="/" className="flex items-center gap-2 px-3 text-base font-semibold tracking-tight">
            <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-accent" />
            Gatewatch
          </Link>
          <AppNav />
          <div className="mt-auto px-1">
            <ThemeToggle />
          </div>
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center justify-between border-b border-border bg-surface px-4 py-2 md:hidden">
          <Link href="/" className="flex items-center gap-2 text-base font-semibold tracking-tight">
            <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-accent" />
            Gatewatch
          </Link>
          <ThemeToggle />
        </header>
        <div className="overflow-x-auto border-b border-border bg-surface px-2 md:hidden">
          <AppNav horizontal />
        </div>
        <main className="mx-auto w-full max-w-[1920px] min-w-0 flex-1 px-4 py-5 md:px-8">{children}</main>
      </div>
    </div>
  );
}
