"use client";

import { useFieldArray, useFormContext, useWatch } from "react-hook-form";
import { FieldError } from "@/components/forms/field";
import { NumberInput, SelectInput, useFieldError } from "@/components/forms/form-fields";
import { buttonClass } from "@/components/ui/button";
import {
  CONSUMER_IDENTIFIERS,
  SERVICE_IDENTIFIERS,
  STATSD_METRIC_NAMES,
  STATSD_SAMPLED_STAT_TYPES,
  STATSD_STAT_TYPES,
  type StatsdConfig,
  type StatsdMetric,
  WORKSPACE_IDENTIFIERS,
} from "@/lib/plugins";
import type { PluginFormValues } from "./plugin-form-model";

const NEW_METRIC: StatsdMetric = {
  name: "request_count",
  stat_type: "counter",
  sample_rate: 1,
  consumer_identifier: null,
  service_identifier: null,
  workspace_identifier: null,
};

/** statsd `config.metrics`: one card per metric (Kong Manager's "#1 Metric" items), add, remove, reorder. */
export function StatsdMetricsEditor() {
  const { control } = useFormContext<PluginFormValues<StatsdConfig>>();
  const { fields, append, remove, move } = useFieldArray({ control, name: "config.metrics" });
  const listError = useFieldError("config.metrics");
  return (
    <fieldset className="flex flex-col gap-3">
      <legend className="mb-1 text-sm font-medium text-foreground">
        Metrics
        <span aria-hidden className="ml-0.5 text-danger">
          *
        </span>
      </legend>
      <p className="text-xs text-muted">
        List of metrics to be logged. Counters and gauges need a sample rate; other stat types may set one.
        Identifiers left at “default” use the defaults under additional settings.
      </p>
      {listError ? <FieldError>{listError}</FieldError> : null}
      {fields.length === 0 ? <p className="text-sm text-muted">No metrics: nothing will be sent.</p> : null}
      <ol className="flex flex-col gap-3">
        {fields.map((field, index) => (
          <MetricItem
            key={field.id}
            index={index}
            count={fields.length}
            onRemove={() => remove(index)}
            onMove={(to) => move(index, to)}
          />
        ))}
      </ol>
      <button
        type="button"
        className={buttonClass("default", "md", "self-start")}
        onClick={() => append({ ...NEW_METRIC })}
      >
        Add metric
      </button>
    </fieldset>
  );
}

function MetricItem({
  index,
  count,
  onRemove,
  onMove,
}: {
  index: number;
  count: number;
  onRemove(): void;
  onMove(to: number): void;
}) {
  const base = `config.metrics.${index}` as const;
  const { control } = useFormContext<PluginFormValues<StatsdConfig>>();
  const statType = useWatch({ control, name: `${base}.stat_type` });
  const metricName = useWatch({ control, name: `${base}.name` });
  const entityError = useFieldError(`${base}.root`);
  const sampled = (STATSD_SAMPLED_STAT_TYPES as readonly string[]).includes(statType);
  const title = `#${index + 1} Metric`;
  return (
    <li
      aria-label={`${title}: ${metricName ?? ""}`}
      data-testid={`metric-${index}`}
      className={`rounded-md border px-3 py-2 ${entityError ? "border-danger" : "border-border"} bg-surface-muted/40`}
    >
      <div className="mb-1 flex items-center justify-between gap-2">
        <h4 className="text-sm font-semibold">
          {title}
          <span className="ml-2 font-mono text-xs font-normal text-muted">{metricName}</span>
        </h4>
        <div className="flex gap-1">
          <button
            type="button"
            className={buttonClass("ghost", "sm")}
            disabled={index === 0}
            onClick={() => onMove(index - 1)}
            aria-label={`Move metric ${index + 1} up`}
          >
            ↑ Up
          </button>
          <button
            type="button"
            className={buttonClass("ghost", "sm")}
            disabled={index === count - 1}
            onClick={() => onMove(index + 1)}
            aria-label={`Move metric ${index + 1} down`}
          >
            ↓ Down
          </button>
          <button
            type="button"
            className={buttonClass("ghost", "sm", "text-danger")}
            onClick={onRemove}
            aria-label={`Remove metric ${index + 1}`}
          >
            Remove
          </button>
        </div>
      </div>
      {entityError ? <FieldError>{entityError}</FieldError> : null}
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-3 xl:grid-cols-[minmax(13rem,2fr)_repeat(5,minmax(0,1fr))]">
        <SelectInput name={`${base}.name`} label="Name" required options={STATSD_METRIC_NAMES} />
        <SelectInput name={`${base}.stat_type`} label="Stat type" required options={STATSD_STAT_TYPES} />
        <NumberInput name={`${base}.sample_rate`} label="Sample rate" required={sampled} min={0} />
        <SelectInput
          name={`${base}.consumer_identifier`}
          label="Consumer identifier"
          options={CONSUMER_IDENTIFIERS}
          emptyLabel="default"
        />
        <SelectInput
          name={`${base}.service_identifier`}
          label="Service identifier"
          options={SERVICE_IDENTIFIERS}
          emptyLabel="default"
        />
        <SelectInput
          name={`${base}.workspace_identifier`}
          label="Workspace identifier"
          options={WORKSPACE_IDENTIFIERS}
          emptyLabel="default"
        />
      </div>
    </li>
  );
}
