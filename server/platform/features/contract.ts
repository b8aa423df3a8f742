// The feature-module contract (docs/architecture.md, "Adding an area"). An area of the
// product declares what it adds to each pipeline in one `Feature` record, exported by its
// domain's index.ts and listed once in server/features.ts:
// - intent sections: tables of desired state, snapshotted at every revision and restored
//   by a rollback;
// - compiler sections: the area's part of each device's config, computed from the intent;
// - ingest channels: what devices report on an uplink channel, batched per org and written
//   in one transaction.
// The platform knows no area: the pipelines (fleet's compile, publish, rollback and ingest)
// iterate whatever the registry holds.

import type { z } from "zod";
import type { Tx } from "../db/client";
import type { ChangeListener } from "../events/changes";
import type { PermissionMap } from "../tenancy/permissions";

/** What a rollback hands each section. */
export interface RestoreContext<T> {
  /** The section's value in the snapshot (its schema's default when the snapshot lacks it). */
  value: T;
  /** False for a snapshot from before the section existed: then leave the tables as they are. */
  present: boolean;
  /** The whole snapshot as parsed, for a section that reads another's part. */
  intent: Record<string, unknown>;
  /** The snapshot as stored (to tell which keys it had). */
  raw: Record<string, unknown>;
  /** Sites that exist now: rows naming another site are dropped, not restored. */
  liveSites: ReadonlySet<string>;
}

/** One part of an org's intent: some tables, as the snapshot of a revision stores them. */
export interface IntentSection<K extends string = string, S extends z.ZodType = z.ZodType> {
  /** Key of the section in the intent and in stored snapshots; never renamed. */
  key: K;
  /** The section's shape in snapshots; a default keeps snapshots older than it readable. */
  schema: S;
  /** Reads the section's rows of one org, in a stable order (then parsed with `schema`). */
  load(tx: Tx, orgId: string): Promise<unknown>;
  /** Rollback: makes the tables say what the snapshot says (sections restore in registry order). */
  restore?(tx: Tx, orgId: string, ctx: RestoreContext<z.output<S>>): Promise<void>;
}

/** One org's compiler of one section (see CompilerSection). */
export interface SectionCompiler {
  /** The section's keys of a site's config, or undefined (the section is absent there). */
  site(siteId: string): Record<string, unknown> | undefined;
  /** When only some devices of a site get the section (the overlay: its tunnel end). */
  appliesTo?(siteId: string, deviceId: string): boolean;
}

/**
 * An area's part of each device's config: the top-level keys of one protocol section
 * (protocol/sections.ts). `forOrg` is pure (no I/O, no clock) so compiles are repeatable;
 * facts that are not intent (keys devices reported) come from `load`, read in the
 * compile's transaction. Without its facts a section that has `load` is left out.
 */
export interface CompilerSection<I = never, F = undefined> {
  /** Wire name of the section, as agents declare it. */
  section: string;
  load?(tx: Tx, orgId: string, intent: I): Promise<F>;
  forOrg(orgId: string, intent: I, facts: F): SectionCompiler;
}

/**
 * What devices report on one uplink channel, into the database. Messages are decoded with
 * `schema`, added to a per-org batch (`add`), and the batch is written in the org's ingest
 * transaction (`write`); a failed write puts the batch back (`merge`, newer wins).
 */
export interface IngestChannel<M = unknown, B = unknown> {
  /**
   * The uplink channel (protocol/topics.ts). A telemetry channel names its kind; a new area
   * reports on `telemetry/<kind>`, which the broker's ACL already lets every device use.
   */
  channel: string;
  kind?: string;
  schema: z.ZodType<M>;
  /** Retained copies are redelivered at every resubscription: skip those when they would count twice. */
  skipRetained?: boolean;
  empty(): B;
  add(batch: B, deviceId: string, message: M, kind?: string): void;
  size(batch: B): number;
  merge(failed: B, current: B): B;
  /**
   * The batch cut into one batch per entry, each with its device: when a write fails, the
   * ingest writes smaller parts to find the entry at fault and quarantines only that one.
   */
  entries(batch: B): { deviceId: string; batch: B; message: unknown }[];
  write(tx: Tx, orgId: string, batch: B, log: IngestLog): Promise<void>;
  /** After the batch's transaction committed (caches, notifications). */
  afterCommit?(orgId: string, batch: B): Promise<void>;
}

export type IngestLog = (level: "info" | "warn" | "error", msg: string, fields?: object) => void;

/** Everything one area adds to the pipelines. */
export interface Feature {
  name: string;
  intent?: readonly IntentSection<string, z.ZodType>[];
  // biome-ignore lint/suspicious/noExplicitAny: each section has its own intent view and facts
  compile?: readonly CompilerSection<any, any>[];
  // biome-ignore lint/suspicious/noExplicitAny: each channel has its own message and batch
  ingest?: readonly IngestChannel<any, any>[];
  /** The area's permissions (`resource.action` → roles), composed by server/permissions.ts. */
  permissions?: PermissionMap;
  /** Hears of other areas' changes after their commit (server/platform/events/changes.ts). */
  onChange?: ChangeListener;
}

type FeatureParts = Omit<Feature, "name">;

/**
 * An area's feature record. Its parts are read on first use, not when this module loads:
 * the pipelines that read them are imported by the areas themselves (fleet's bumpRevision
 * loads every intent section), so a section's module may still be loading at that point.
 * Keeps the literal types of the parts (the intent sections' keys make up the Intent type).
 */
export function defineFeature<const P extends FeatureParts>(name: string, parts: () => P) {
  let cached: P | undefined;
  const get = () => {
    cached ??= parts();
    return cached;
  };
  return {
    name,
    get intent() {
      return get().intent;
    },
    get compile() {
      return get().compile;
    },
    get ingest() {
      return get().ingest;
    },
    get permissions() {
      return get().permissions;
    },
    get onChange() {
      return get().onChange;
    },
  } as { readonly name: string } & P;
}
