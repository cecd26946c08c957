"use client";

import { useId, useMemo, useState } from "react";
import { CopyButton } from "@/components/forms/copy-button";

type AdminApiPreviewProps = {
  request: { method: string; path: string; body: unknown };
  curl: string;
};

/** "View as JSON / curl": the Admin API call equivalent to saving the form (Kong Manager's configuration slide-out). */
export function AdminApiPreview({ request, curl }: AdminApiPreviewProps) {
  const [tab, setTab] = useState<"json" | "curl">("curl");
  const id = useId();
  const json = useMemo(() => JSON.stringify(request.body, null, 2), [request.body]);
  const tabs = [
    { key: "curl", label: "curl" },
    { key: "json", label: "JSON" },
  ] as const;
  return (
    <section
      aria-label="Admin API request"
      className="flex flex-col gap-2 rounded-lg border border-border bg-surface p-4"
    >
      <div className="flex items-center justify-between gap-2">
        <div role="tablist" aria-label="Format" className="flex gap-1">
          {tabs.map((t) => (
            <button
              key={t.key}
              type="button"
              role="tab"
              id={`${id}-${t.key}-tab`}
              aria-selected={tab === t.key}
              aria-controls={`${id}-panel`}
              onClick={() => setTab(t.key)}
              className={`rounded-md px-2.5 py-1 text-sm ${
                tab === t.key
                  ? "bg-surface-muted font-medium text-foreground"
                  : "text-muted hover:text-foreground"
              }`}
            >
              {t.label}
            </button>
          ))}
        </div>
        <CopyButton text={tab === "curl" ? curl : json} label={tab === "curl" ? "Copy curl" : "Copy JSON"} />
      </div>
      <p className="font-mono text-xs text-muted">
        {request.method} /admin-api{request.path}
      </p>
      <pre
        id={`${id}-panel`}
        role="tabpanel"
        aria-labelledby={`${id}-${tab}-tab`}
        data-testid={tab === "curl" ? "curl-command" : "json-body"}
        className="max-h-96 overflow-auto whitespace-pre-wrap break-all rounded-md bg-surface-muted p-3 font-mono text-xs text-foreground"
      >
        {tab === "curl" ? curl : json}
      </pre>
    </section>
  );
}
