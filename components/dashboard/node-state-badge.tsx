import { Badge } from "@/components/ui/badge";

const STATES = {
  live: { tone: "success", text: "live", hint: "served requests recently" },
  idle: { tone: "accent", text: "idle", hint: "reports stats but serves no requests" },
  silent: { tone: "neutral", text: "silent", hint: "sent nothing recently" },
} as const;

/** A node's state: live, idle (reporting, no traffic) or silent (not reporting), DESIGN §2. */
export function NodeStateBadge({ state, compact }: { state: "live" | "idle" | "silent"; compact?: boolean }) {
  const s = STATES[state];
  if (compact)
    return (
      <span
        role="img"
        aria-label={s.text}
        title={s.hint}
        className={`inline-block h-1.5 w-1.5 rounded-full ${state === "live" ? "bg-success" : state === "idle" ? "bg-accent" : "bg-muted"}`}
      />
    );
  return (
    <span title={s.hint}>
      <Badge tone={s.tone}>{s.text}</Badge>
    </span>
  );
}
