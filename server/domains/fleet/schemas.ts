// Output schemas of the fleet's routers (`device`, `rollout`): what each procedure returns,
// no more (an output schema strips unknown keys: a device's poll token hash, CSR and keys
// never leave the server).
import { z } from "zod";
import { MAX_CLOCK_OFFSET_MS } from "../../../protocol/clock";
import { zText } from "../../../protocol/text";
import { ZSectionDiff } from "../../platform/diff/schema";

export const ZDeviceStatus = z.enum(["pending", "active", "rejected", "revoked"]);

export const ZDeviceAlertKind = z.enum(["quarantined_messages", "cloned_identity"]);

/** Something about a device an operator must look at (server/domains/fleet/channel/). */
export const ZDeviceAlert = z.object({
  kind: ZDeviceAlertKind,
  count: z.number(),
  firstAt: z.date(),
  lastAt: z.date(),
  /** cloned_identity: the addresses the two boxes connected from (as each box saw it). */
  addresses: z.array(zText()),
  /** quarantined_messages: the last message's channel and why it was set aside. */
  channel: zText().nullable(),
  error: zText().nullable(),
});
export type DeviceAlertView = z.infer<typeof ZDeviceAlert>;

/** A message of the device's the control plane quarantined. */
export const ZDeadLetterView = z.object({
  id: zText(),
  channel: zText(),
  reason: z.enum(["refused", "write_failed"]),
  error: zText(),
  /** The payload's first bytes as text (unprintable characters shown as U+FFFD). */
  preview: zText(),
  size: z.number(),
  count: z.number(),
  firstAt: z.date(),
  lastAt: z.date(),
});

/** A device as the site page lists it: desired vs applied revision, presence, certificate. */
export const ZDeviceView = z.object({
  id: zText(),
  siteId: zText(),
  siteName: zText(),
  hostname: zText(),
  status: ZDeviceStatus,
  tags: z.array(zText()),
  agentVersion: zText().nullable(),
  /** Sections its config would have that the agent cannot apply. */
  missingSections: z.array(zText()),
  online: z.boolean(),
  lastSeenAt: z.date().nullable(),
  desiredRevision: z.number(),
  reportedRevision: z.number(),
  attemptedRevision: z.number().nullable(),
  applyStatus: zText().nullable(),
  lastError: zText().nullable(),
  appliedAt: z.date().nullable(),
  certNotAfter: z.date().nullable(),
  createdAt: z.date(),
  /** Active and at (or past) its desired revision. */
  inSync: z.boolean(),
  /** How far the control plane's clock is ahead of the box's, ms (positive: the box is
   * behind), as its agent last measured; null before any report. */
  clockOffsetMs: z.number().int().min(-MAX_CLOCK_OFFSET_MS).max(MAX_CLOCK_OFFSET_MS).nullable(),
  clockCheckedAt: z.date().nullable(),
  alerts: z.array(ZDeviceAlert),
});

export const ZFleetStatus = z.object({
  revision: z.number(),
  compiled: z.number(),
  canaryPercent: z.number(),
  failureThreshold: z.number(),
  devices: z.object({ active: z.number(), online: z.number(), pending: z.number() }),
});

/** A rollout in the list: counts of the devices it changes, not their ids. */
export const ZRolloutSummary = z.object({
  id: zText(),
  revision: z.number(),
  status: z.enum(["canary", "rolling", "completed", "halted", "superseded"]),
  succeeded: z.number(),
  failed: z.number(),
  failureThreshold: z.number(),
  haltReason: zText().nullable(),
  isRollback: z.boolean(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  total: z.number(),
  canary: z.number(),
});

/** One rollout with where each of its devices stands. */
export const ZRolloutView = ZRolloutSummary.extend({
  devices: z.array(
    z.object({
      id: zText(),
      hostname: zText(),
      siteName: zText(),
      online: z.boolean(),
      desiredRevision: z.number(),
      reportedRevision: z.number(),
      attemptedRevision: z.number().nullable(),
      applyStatus: zText().nullable(),
      lastError: zText().nullable(),
      isCanary: z.boolean(),
      state: z.enum(["applied", "failed", "pending", "waiting"]),
    }),
  ),
});

/** A rollback: the new revision and the one whose intent it restored. */
export const ZRollbackResult = z.object({ revision: z.number(), restored: z.number() });

/** What a rollout changed in the org's intent: each intent section's changes. */
export const ZIntentDiff = z.object({
  revision: z.number(),
  /** The revision compared with: the previous rollout's; null when there was none. */
  fromRevision: z.number().nullable(),
  sections: z.array(ZSectionDiff),
});

/** What changes for one device: each section of its desired state, from one revision to another. */
export const ZDeviceConfigDiff = z.object({
  deviceId: zText(),
  hostname: zText(),
  revision: z.number(),
  /** null: the device had no config before (compared with an empty one). */
  fromRevision: z.number().nullable(),
  sections: z.array(ZSectionDiff),
});
