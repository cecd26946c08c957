"use client";

import type { ReactNode } from "react";
import { useFormContext, useWatch } from "react-hook-form";
import { Collapsible } from "@/components/forms/collapsible";
import {
  CheckboxGroupInput,
  NumberInput,
  SelectInput,
  StringListInput,
  SwitchInput,
  TextInput,
  useFieldError,
} from "@/components/forms/form-fields";
import { REDIRECT_CODES, ROUTE_PROTOCOLS, SERVICE_PROTOCOLS } from "@/lib/entities";
import type { EntityKind } from "./entity-kinds";
import { EntityPicker } from "./entity-picker";

const HTTP_METHODS = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
  "CONNECT",
  "TRACE",
] as const;

/** The fields of each entity form: what Kong requires first, the rest under "additional settings". */
export function EntityFields({ kind, advancedHasErrors }: { kind: EntityKind; advancedHasErrors: boolean }) {
  const advanced = (children: ReactNode) => (
    <Collapsible
      showLabel="Show additional settings"
      hideLabel="Hide additional settings"
      forceOpen={advancedHasErrors}
    >
      {children}
    </Collapsible>
  );
  switch (kind) {
    case "service":
      return (
        <>
          <TextInput name="name" label="Name" help="Optional, unique. Letters, digits and . - _ ~" />
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-[10rem_1fr_8rem]">
            <SelectInput name="protocol" label="Protocol" required options={SERVICE_PROTOCOLS} />
            <TextInput name="host" label="Host" required help="Upstream hostname or IP, without a port." />
            <NumberInput name="port" label="Port" required step={1} min={0} max={65535} />
          </div>
          <TextInput name="path" label="Path" placeholder="/" help="Optional path prefix sent upstream." />
          <SwitchInput name="enabled" label="Enabled" />
          {advanced(
            <>
              <div className="grid grid-cols-1 gap-4 sm:grid-cols-4">
                <NumberInput name="retries" label="Retries" step={1} min={0} max={32767} />
                <NumberInput name="connect_timeout" label="Connect timeout (ms)" step={1} min={1} />
                <NumberInput name="write_timeout" label="Write timeout (ms)" step={1} min={1} />
                <NumberInput name="read_timeout" label="Read timeout (ms)" step={1} min={1} />
              </div>
              <StringListInput name="tags" label="Tags" itemLabel="tag" />
            </>,
          )}
        </>
      );
    case "route":
      return (
        <>
          <TextInput name="name" label="Name" help="Optional, unique." />
          <RouteServicePicker />
          <CheckboxGroupInput name="protocols" label="Protocols" options={ROUTE_PROTOCOLS} />
          <CheckboxGroupInput
            name="methods"
            label="Methods"
            options={HTTP_METHODS}
            help="None checked: any method."
          />
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
            <StringListInput name="hosts" label="Hosts" itemLabel="host" placeholder="example.com" />
            <StringListInput name="paths" label="Paths" itemLabel="path" placeholder="/orders" />
          </div>
          {advanced(
            <>
              <SwitchInput
                name="strip_path"
                label="Strip path"
                help="Remove the matched path prefix upstream."
              />
              <SwitchInput
                name="preserve_host"
                label="Preserve host"
                help="Send the client's Host header upstream."
              />
              <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
                <NumberInput name="regex_priority" label="Regex priority" step={1} />
                <SelectInput
                  name="https_redirect_status_code"
                  label="HTTPS redirect status code"
                  options={REDIRECT_CODES.map(String)}
                  numeric
                />
              </div>
              <StringListInput name="tags" label="Tags" itemLabel="tag" />
            </>,
          )}
        </>
      );
    case "consumer":
      return (
        <>
          <p className="text-sm text-muted">Give at least a username or a custom ID.</p>
          <TextInput name="username" label="Username" />
          <TextInput name="custom_id" label="Custom ID" help="An identifier from another system." />
          <StringListInput name="tags" label="Tags" itemLabel="tag" />
        </>
      );
    case "api":
      return (
        <>
          <TextInput name="name" label="Name" required />
          <TextInput
            name="upstream_url"
            label="Upstream URL"
            required
            placeholder="http://orders.internal:8080"
          />
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
            <StringListInput name="hosts" label="Hosts" itemLabel="host" />
            <StringListInput name="uris" label="URIs" itemLabel="URI" placeholder="/orders" />
          </div>
          <CheckboxGroupInput
            name="methods"
            label="Methods"
            options={HTTP_METHODS}
            help="None checked: any method."
          />
          {advanced(
            <>
              <SwitchInput name="strip_uri" label="Strip URI" />
              <SwitchInput name="preserve_host" label="Preserve host" />
              <SwitchInput name="https_only" label="HTTPS only" />
              <SwitchInput name="http_if_terminated" label="HTTP if terminated" />
              <div className="grid grid-cols-1 gap-4 sm:grid-cols-4">
                <NumberInput name="retries" label="Retries" step={1} min={0} />
                <NumberInput name="upstream_connect_timeout" label="Connect timeout (ms)" step={1} min={1} />
                <NumberInput name="upstream_send_timeout" label="Send timeout (ms)" step={1} min={1} />
                <NumberInput name="upstream_read_timeout" label="Read timeout (ms)" step={1} min={1} />
              </div>
            </>,
          )}
        </>
      );
  }
}

function RouteServicePicker() {
  const { control, setValue } = useFormContext();
  const service = useWatch({ control, name: "service" }) as { id: string } | null;
  const refError = useFieldError("service");
  const idError = useFieldError("service.id");
  return (
    <EntityPicker
      kind="service"
      label="Service"
      value={service?.id ?? null}
      error={refError ?? idError}
      help="The service this route forwards to."
      onChange={(id) => setValue("service", id ? { id } : null, { shouldDirty: true })}
    />
  );
}
