import type { ComponentProps } from "react";
import { NamedOptions, NumberField, Select } from "./ui";

/*
 * Ordered intent (firewall rules, steering policies) takes these two the same way: where
 * it stands among the others, and the site it applies to. `prefix` starts the input ids.
 */

/** The priority a new one gets unless told: 10 after the last of `items`, 100 for the first. */
export function nextPriority(items: { priority: number }[] | undefined) {
  const last = Math.max(...(items ?? []).map((i) => i.priority));
  return Number.isFinite(last) ? Math.min(100_000, last + 10) : 100;
}

/** The priority: the lowest number matches first. */
export function PriorityField({
  prefix,
  ...props
}: { prefix: string } & Omit<ComponentProps<typeof NumberField>, "id" | "label">) {
  return (
    <NumberField
      id={`${prefix}priority`}
      label="Priority"
      min={0}
      hint="Lower numbers match first"
      {...props}
    />
  );
}

/** The one site it applies to, or all of them (the empty choice). */
export function AppliesToSelect({
  prefix,
  sites,
  ...props
}: { prefix: string; sites: { id: string; name: string }[] } & Omit<
  ComponentProps<typeof Select>,
  "id" | "label"
>) {
  return (
    <Select id={`${prefix}site`} label="Applies to" {...props}>
      <NamedOptions items={sites} none="All sites" />
    </Select>
  );
}
