"use client";

export type BannerIssue = { path: string; message: string };

/** The summary above a form: the server's message plus one line per field error. */
export function ErrorBanner({ title, issues }: { title: string; issues?: BannerIssue[] }) {
  return (
    <div
      role="alert"
      className="rounded-md border border-danger bg-surface px-4 py-3 text-sm text-foreground"
      data-testid="form-error-banner"
    >
      <p className="font-medium text-danger">{title}</p>
      {issues && issues.length > 0 ? (
        <ul className="mt-1.5 list-disc pl-5 text-muted">
          {issues.map((i) => (
            <li key={`${i.path}:${i.message}`}>
              {i.path ? <code className="font-mono text-xs text-foreground">{i.path}</code> : null}
              {i.path ? ": " : null}
              {i.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
