"use client";

import {
  NumberInput,
  SelectInput,
  StringListInput,
  SwitchInput,
  TextInput,
} from "@/components/forms/form-fields";
import { CONSUMER_IDENTIFIERS, SERVICE_IDENTIFIERS, TAG_STYLES, WORKSPACE_IDENTIFIERS } from "@/lib/plugins";
import { StatsdMetricsEditor } from "./statsd-metrics-editor";

/** statsd's required settings (kong-plugins §1c.1): where to send, under which prefix, which metrics. */
export function StatsdRequiredFields() {
  return (
    <div className="flex flex-col gap-4">
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        <TextInput
          name="config.host"
          label="Host"
          required
          help="StatsD server hostname or IP, without a port."
        />
        <NumberInput name="config.port" label="Port" required step={1} min={0} max={65535} />
        <TextInput
          name="config.prefix"
          label="Prefix"
          required
          help="String to prefix to each metric's name."
        />
      </div>
      <StatsdMetricsEditor />
    </div>
  );
}

/** statsd's optional settings, shown under "additional settings". */
export function StatsdAdvancedFields() {
  return (
    <div className="flex flex-col gap-4">
      <StringListInput
        name="config.allow_status_codes"
        label="Allowed status codes"
        itemLabel="status code range"
        placeholder="200-299"
        nullable
        help="Only responses whose status falls in one of these ranges are counted (e.g. 200-299). Empty: all."
      />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <NumberInput
          name="config.udp_packet_size"
          label="UDP packet size"
          step={1}
          min={0}
          max={65507}
          help="Combine datagrams up to this many bytes; 0 sends one datagram per metric."
        />
        <SelectInput
          name="config.tag_style"
          label="Tag style"
          options={TAG_STYLES}
          emptyLabel="none (tags in metric names)"
        />
      </div>
      <div className="flex flex-col gap-3">
        <SwitchInput name="config.use_tcp" label="Use TCP" help="Use TCP instead of UDP." />
        <SwitchInput
          name="config.hostname_in_prefix"
          label="Hostname in prefix"
          help="Include the node's hostname in the prefix of each metric name."
        />
      </div>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        <SelectInput
          name="config.consumer_identifier_default"
          label="Consumer identifier default"
          options={CONSUMER_IDENTIFIERS}
        />
        <SelectInput
          name="config.service_identifier_default"
          label="Service identifier default"
          options={SERVICE_IDENTIFIERS}
        />
        <SelectInput
          name="config.workspace_identifier_default"
          label="Workspace identifier default"
          options={WORKSPACE_IDENTIFIERS}
        />
      </div>
      <fieldset className="flex flex-col gap-3 rounded-md border border-border p-3">
        <legend className="px-1 text-sm font-medium">Queue</legend>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <NumberInput name="config.queue.max_batch_size" label="Max batch size" step={1} min={1} />
          <NumberInput name="config.queue.max_coalescing_delay" label="Max coalescing delay (s)" min={0} />
          <NumberInput name="config.queue.max_entries" label="Max entries" step={1} min={1} />
          <NumberInput name="config.queue.max_bytes" label="Max bytes" step={1} />
          <NumberInput name="config.queue.max_retry_time" label="Max retry time (s)" />
          <NumberInput name="config.queue.initial_retry_delay" label="Initial retry delay (s)" />
          <NumberInput name="config.queue.max_retry_delay" label="Max retry delay (s)" />
          <NumberInput
            name="config.queue.concurrency_limit"
            label="Concurrency limit"
            step={1}
            help="1 or -1"
          />
        </div>
      </fieldset>
    </div>
  );
}
