// Sections of a device's config and the capabilities an agent declares (docs/architecture.md,
// "The protocol policy"). A section is a set of top-level keys of the config that one agent
// subsystem applies. Agents declare the sections they can apply, with a capability version,
// at enrollment and on every connect; the control plane sends each device only the sections
// it declared and shows in the portal what a device lacks.
import { z } from "zod";
import { zText } from "./text";

/** The config keys of the built-in sections. A section of a newer area owns the key named as it is. */
export const SECTION_KEYS: Readonly<Record<string, readonly string[]>> = {
  site: ["site", "interfaces", "defaultAction", "snat"],
  policy: ["rules"],
  "port-forwards": ["portForwards"],
  services: ["services"],
  overlay: ["overlay"],
};

export const keysOfSection = (section: string): readonly string[] =>
  SECTION_KEYS[section] ?? [section];

/**
 * This protocol's capability version. 1: an agent that declares nothing (the first release:
 * it applies exactly LEGACY_SECTIONS and refuses unknown fields). 2: agents that declare
 * their sections and ignore fields they do not know.
 */
export const CAPABILITY_VERSION = 2;

/** What an agent that declared nothing can apply: the sections of the first release. */
export const LEGACY_SECTIONS: readonly string[] = [
  "site",
  "policy",
  "port-forwards",
  "services",
  "overlay",
];

export const ZSectionName = zText().regex(/^[a-z][a-z0-9-]{0,31}$/, "not a section name");

export const ZCapabilities = z.object({
  version: z.number().int().min(1).max(1_000_000),
  sections: z.array(ZSectionName).max(64),
});
export type Capabilities = z.infer<typeof ZCapabilities>;

/** Top-level keys of a config that no section in `known` owns: sections of a newer control plane. */
export function unknownKeys(config: object, known: readonly string[]): string[] {
  const owned = new Set(known.flatMap(keysOfSection));
  return Object.keys(config).filter((k) => !owned.has(k));
}
