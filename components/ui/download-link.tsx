import { buttonClass } from "./button";

/** A CSV download for exactly what a chart or table shows; `label` names it for screen readers. */
export function DownloadLink({ href, label, text = "CSV" }: { href: string; label: string; text?: string }) {
  return (
    <a href={href} download aria-label={label} title={label} className={buttonClass("ghost", "sm")}>
      <svg
        aria-hidden
        viewBox="0 0 16 16"
        className="h-3.5 w-3.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
      >
        <path d="M8 2v8m0 0 3-3m-3 3L5 7M3 13h10" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      {text}
    </a>
  );
}
