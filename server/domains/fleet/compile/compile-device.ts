// Pure: each site's share of the org intent, as a DeviceConfig. Every registered compiler
// section (server/features.ts) contributes its keys; sections that need facts beyond the
// intent (the overlay: its peers' tunnel keys) get them from load-compiler.ts.

import { configHash, type DeviceConfig, LEGACY_SECTIONS } from "../../../../protocol";
import { type Intent, registry } from "../../../features";
import type { CompilerSection } from "../../../platform/features/contract";

/** What sections need beyond the intent: the org, and each section's facts by name. */
export interface CompileFacts {
  orgId: string;
  facts?: Readonly<Record<string, unknown>>;
}

/** The section every config has: without it (an unknown site) there is no config. */
const CORE_SECTION = "site";

/** The sections a device can apply: what it declared, or the first release's. */
export const declaredSections = (d: { capabilityVersion: number | null; sections: string[] }) =>
  d.capabilityVersion === null ? LEGACY_SECTIONS : d.sections;

/**
 * Returns (siteId, deviceId?, sections?) → config, or undefined for an unknown site; with
 * `sections` (what the device declared) the config has only those. Each site is computed
 * once, and devices that get the same sections share one config object (so compiledHash
 * hashes it once). A section that needs facts is left out when `ctx` lacks them: callers
 * that publish or compare hashes must pass them (loadSiteCompiler does).
 */
export function siteCompiler(
  intent: Intent,
  ctx?: CompileFacts,
  // biome-ignore lint/suspicious/noExplicitAny: sections view the intent each their own way
  sections: readonly CompilerSection<any, any>[] = registry().compilerSections,
) {
  const used = sections.filter((s) => !s.load || (ctx?.facts && s.section in ctx.facts));
  const compilers = used.map((s) => s.forOrg(ctx?.orgId ?? "", intent, ctx?.facts?.[s.section]));
  const names = used.map((s) => s.section);
  const core = names.indexOf(CORE_SECTION);
  const fragments = new Map<string, (Record<string, unknown> | undefined)[]>();
  const configs = new Map<string, DeviceConfig>();

  /** Each section's part for the target: undefined where absent or not for this device. */
  const partsFor = (siteId: string, deviceId: string | undefined) => {
    let parts = fragments.get(siteId);
    if (!parts) {
      parts = compilers.map((c) => c.site(siteId));
      fragments.set(siteId, parts);
    }
    if (core >= 0 && !parts[core]) return undefined;
    return parts.map((part, i) => {
      const appliesTo = compilers[i]?.appliesTo;
      return part && (deviceId === undefined || !appliesTo || appliesTo(siteId, deviceId))
        ? part
        : undefined;
    });
  };

  const compile = (
    siteId: string,
    deviceId?: string,
    declared?: readonly string[],
  ): DeviceConfig | undefined => {
    const parts = partsFor(siteId, deviceId);
    if (!parts) return undefined;
    let key = siteId;
    const included: Record<string, unknown>[] = [];
    parts.forEach((part, i) => {
      const on = !!part && (!declared || declared.includes(names[i] as string));
      key += on ? "1" : "0";
      if (on && part) included.push(part);
    });
    let config = configs.get(key);
    if (!config) {
      config = Object.assign({}, ...included) as DeviceConfig;
      configs.set(key, config);
    }
    return config;
  };

  /** Sections the target's config would have that `declared` lacks. */
  const missing = (siteId: string, deviceId: string | undefined, declared: readonly string[]) =>
    (partsFor(siteId, deviceId) ?? []).flatMap((part, i) =>
      part && !declared.includes(names[i] as string) ? [names[i] as string] : [],
    );

  return Object.assign(compile, { missing });
}

const hashes = new WeakMap<DeviceConfig, string>();

/**
 * configHash of a config made by siteCompiler, computed once per config object: the
 * devices of a site share their site's config, so a fleet costs one hash per site rather
 * than one per device (10,000 devices: ~0.2 s of CPU each time a compile, a publish or a
 * canary advance hashed them all). Safe because compiled configs are never mutated.
 */
export function compiledHash(config: DeviceConfig): string {
  let hash = hashes.get(config);
  if (hash === undefined) {
    hash = configHash(config);
    hashes.set(config, hash);
  }
  return hash;
}
