// The product's areas, one line each: every pipeline (intent snapshots and rollbacks, the
// compiler, device-report ingest) reads its sections from here. Adding an area is a folder
// under domains/ whose index.ts exports a `feature`, plus one line in AREAS.
// See docs/architecture.md, "Adding an area".
import { z } from "zod";
import { UPLINK } from "../protocol";
import * as alerting from "./domains/alerting";
import * as billing from "./domains/billing";
import * as branding from "./domains/branding";
import * as customDomains from "./domains/custom-domains";
import * as fleet from "./domains/fleet";
import * as identity from "./domains/identity";
import * as overlay from "./domains/overlay";
import * as overview from "./domains/overview";
import * as policy from "./domains/policy";
import * as reports from "./domains/reports";
import * as series from "./domains/series";
import * as sites from "./domains/sites";
import * as webhooks from "./domains/webhooks";
import { type ChangeListener, setChangeListeners } from "./platform/events/changes";
import type {
  CompilerSection,
  Feature,
  IngestChannel,
  IntentSection,
} from "./platform/features/contract";
import type { PermissionMap } from "./platform/tenancy/permissions";

// A function, not a constant: domains import this module while it may still be loading
// (fleet's pipelines read the registry, and the registry lists fleet's sections), so
// nothing here touches another module's exports before the first call.
// Order matters where pipelines run sections in turn: intent sections restore in this order
// (sites before what names them) and ingest channels write in it (the fleet's state first).
const AREAS = () =>
  [
    identity.feature,
    fleet.feature,
    sites.feature,
    policy.feature,
    overlay.feature,
    billing.feature,
    webhooks.feature,
    branding.feature,
    customDomains.feature,
    overview.feature,
    alerting.feature,
    series.feature,
    reports.feature,
  ] as const;

export type Areas = ReturnType<typeof AREAS>[number];
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (
  u: infer I,
) => void
  ? I
  : never;
type PartOf<S> = S extends { key: infer K extends string; schema: infer Z extends z.ZodType }
  ? { [k in K]: z.output<Z> }
  : never;
type IntentParts<F> = F extends { intent: readonly (infer S)[] } ? PartOf<S> : never;

/** An org's whole intent at one revision: every area's sections (stored in intent_snapshots). */
export type Intent = UnionToIntersection<IntentParts<Areas>>;

export interface Registry {
  intentSections: readonly IntentSection[];
  /** Parses a stored snapshot; keys of sections no longer registered are dropped. */
  intentSchema: z.ZodType<Intent>;
  // biome-ignore lint/suspicious/noExplicitAny: each section views the intent its own way
  compilerSections: readonly CompilerSection<any, any>[];
  // biome-ignore lint/suspicious/noExplicitAny: each channel has its own message and batch
  ingestChannels: readonly IngestChannel<any, any>[];
  /** Every area's permissions in one map (server/permissions.ts reads it). */
  permissions: PermissionMap;
  /** Every area's listener of change signals (server/platform/events/changes.ts). */
  changeListeners: readonly ChangeListener[];
}

function unique(kind: string, names: string[]) {
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`two ${kind} are named "${dup}"`);
}

function buildRegistry(features: readonly Feature[]): Registry {
  for (const f of features) {
    for (const part of [f.intent, f.compile, f.ingest])
      if (part?.some((x) => x === undefined))
        throw new Error(
          `area "${f.name}" lists a section that was not loaded yet (an import cycle)`,
        );
  }
  const intentSections = features.flatMap((f) => f.intent ?? []);
  const compilerSections = features.flatMap((f) => f.compile ?? []);
  unique(
    "intent sections",
    intentSections.map((s) => s.key),
  );
  const ingestChannels = features.flatMap((f) => f.ingest ?? []);
  unique(
    "compiler sections",
    compilerSections.map((s) => s.section),
  );
  unique(
    "ingest channels",
    ingestChannels.map((c) => `${c.channel}/${c.kind ?? "*"}`),
  );
  // The broker lets devices publish on these channels only; a new area uses telemetry/<kind>.
  const closed = ingestChannels.find((c) => !(UPLINK as readonly string[]).includes(c.channel));
  if (closed) throw new Error(`no device may publish on "${closed.channel}": use telemetry/<kind>`);
  const permissionNames = features.flatMap((f) => Object.keys(f.permissions ?? {}));
  unique("permissions", permissionNames);
  return {
    permissions: Object.assign({}, ...features.map((f) => f.permissions ?? {})),
    changeListeners: features.flatMap((f) => (f.onChange ? [f.onChange] : [])),
    compilerSections,
    ingestChannels,
    intentSections,
    intentSchema: z.object(
      Object.fromEntries(intentSections.map((s) => [s.key, s.schema])),
    ) as never,
  };
}

let extra: Feature[] = [];
let built: Registry | undefined;

setChangeListeners(() => registry().changeListeners);

/** The registry of every area (built on first use). */
export function registry(): Registry {
  built ??= buildRegistry([...AREAS(), ...extra]);
  return built;
}

/**
 * Adds an area at run time: for tests that prove the contract with an area of their own.
 * Products list their areas in AREAS.
 */
export function registerFeature(feature: Feature) {
  extra = [...extra.filter((f) => f.name !== feature.name), feature];
  built = undefined;
}

/** Parses a stored intent snapshot with every registered section. */
export const parseIntent = (snapshot: unknown): Intent => registry().intentSchema.parse(snapshot);
