"use client";

import { SwitchInput } from "@/components/forms/form-fields";
import { PROMETHEUS_FLAGS, prometheusConfigField } from "@/lib/plugins";

const LABELS: Record<(typeof PROMETHEUS_FLAGS)[number], string> = {
  per_consumer: "Per consumer",
  status_code_metrics: "Status code metrics",
  latency_metrics: "Latency metrics",
  bandwidth_metrics: "Bandwidth metrics",
  upstream_health_metrics: "Upstream health metrics",
  ai_metrics: "AI metrics",
};

const HELP = new Map(prometheusConfigField.fields.map(([name, f]) => [name, f.description ?? ""]));

/** prometheus flags with the schema's own descriptions; all default off in Kong 3.x (kong-plugins §1b.1). */
export function PrometheusConfigFields() {
  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm text-muted">
        Every flag defaults to off: a new prometheus plugin exports no request metrics until you turn them on.
      </p>
      {PROMETHEUS_FLAGS.map((flag) => (
        <SwitchInput
          key={flag}
          name={`config.${flag}`}
          label={LABELS[flag]}
          help={withCode(HELP.get(flag) ?? "")}
        />
      ))}
    </div>
  );
}

/** Kong's descriptions mark metric names with backticks. */
function withCode(text: string) {
  return text.split("`").map((part, i) =>
    i % 2 === 1 ? (
      <code key={i} className="font-mono text-[0.7rem] text-foreground">
        {part}
      </code>
    ) : (
      part
    ),
  );
}
