import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { newestFirst, orgInput, ZId } from "../../../api/inputs";
import { permissionProcedure, replicaProcedure, rest, router } from "../../../api/trpc";
import { page, pageInput } from "../../../platform/pagination";
import {
  ZDeadLetterView,
  ZDeviceAlertKind,
  ZDeviceConfigDiff,
  ZDeviceStatus,
  ZDeviceView,
} from "../schemas";
import { deviceConfigDiff } from "../services/config-diff";
import { dismissAlert, listDeadLetters } from "../services/device-alerts";
import {
  approveDevice,
  getDevice,
  listDevices,
  rejectDevice,
  revokeDevice,
} from "../services/devices";

const DEVICE = "/orgs/{orgSlug}/devices/{deviceId}";

export const deviceRouter = router({
  list: replicaProcedure("site.read", rest("GET /orgs/{orgSlug}/devices"))
    .input(
      orgInput({
        ...pageInput(["hostname", "createdAt", "lastSeenAt"]),
        /** Devices whose hostname contains this (any case). */
        q: zText().max(64).optional(),
        siteId: ZId.optional(),
        status: ZDeviceStatus.optional(),
        online: z.boolean().optional(),
        /** Active devices that run their desired revision (false: every other device). */
        inSync: z.boolean().optional(),
      }),
    )
    .output(page(ZDeviceView))
    .query(({ ctx, input }) => listDevices(ctx.tx, ctx.tenant.orgId, input)),

  get: permissionProcedure("site.read", rest(`GET ${DEVICE}`))
    .input(orgInput({ deviceId: ZId }))
    .output(ZDeviceView)
    .query(({ ctx, input }) => getDevice(ctx.tx, ctx.tenant.orgId, input.deviceId)),

  /**
   * What changes in the device's desired state between two revisions of the org's intent
   * (`from` 0: compared with no config). Shows policy, hence policy.read.
   */
  configDiff: permissionProcedure("policy.read", rest(`GET ${DEVICE}/config-diff`))
    .input(
      orgInput({
        deviceId: ZId,
        from: z.coerce.number().int().min(0).max(2_147_483_647),
        to: z.coerce.number().int().min(1).max(2_147_483_647),
      }),
    )
    .output(ZDeviceConfigDiff)
    .query(({ ctx, input }) => deviceConfigDiff(ctx.tx, ctx.tenant.orgId, input.deviceId, input)),

  /** The device's quarantined messages, newest first by default. */
  quarantine: permissionProcedure("site.read", rest(`GET ${DEVICE}/quarantine`))
    .input(
      orgInput({
        deviceId: ZId,
        ...pageInput(["lastAt", "firstAt"]),
        ...newestFirst,
      }),
    )
    .output(page(ZDeadLetterView))
    .query(({ ctx, input }) => listDeadLetters(ctx.tx, ctx.tenant.orgId, input.deviceId, input)),

  dismissAlert: permissionProcedure("site.write", rest(`DELETE ${DEVICE}/alerts/{kind}`, 204))
    .input(orgInput({ deviceId: ZId, kind: ZDeviceAlertKind }))
    .output(z.void())
    .mutation(({ ctx, input }) =>
      dismissAlert(ctx.tx, ctx.principal, ctx.tenant, input.deviceId, input.kind),
    ),

  approve: permissionProcedure("site.write", rest(`POST ${DEVICE}/approve`, 204))
    .input(orgInput({ deviceId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) => approveDevice(ctx.tx, ctx.principal, ctx.tenant, input.deviceId)),

  reject: permissionProcedure("site.write", rest(`POST ${DEVICE}/reject`, 204))
    .input(orgInput({ deviceId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) => rejectDevice(ctx.tx, ctx.principal, ctx.tenant, input.deviceId)),

  revoke: permissionProcedure("site.write", rest(`POST ${DEVICE}/revoke`, 204))
    .input(orgInput({ deviceId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) => revokeDevice(ctx.tx, ctx.principal, ctx.tenant, input.deviceId)),
});
