import { z } from "zod";
import { orgInput, ZId } from "../../../api/inputs";
import { permissionProcedure, router } from "../../../api/trpc";
import { ZDeadLetterView, ZDeviceAlertKind, ZDeviceView } from "../schemas";
import { dismissAlert, listDeadLetters } from "../services/device-alerts";
import {
  approveDevice,
  getDevice,
  listDevices,
  rejectDevice,
  revokeDevice,
} from "../services/devices";

export const deviceRouter = router({
  list: permissionProcedure("site.read")
    .input(orgInput({ siteId: ZId.optional() }))
    .output(z.array(ZDeviceView))
    .query(({ ctx, input }) => listDevices(ctx.tx, ctx.tenant.orgId, input.siteId)),

  get: permissionProcedure("site.read")
    .input(orgInput({ deviceId: ZId }))
    .output(ZDeviceView)
    .query(({ ctx, input }) => getDevice(ctx.tx, ctx.tenant.orgId, input.deviceId)),

  /** The device's quarantined messages, newest first. */
  quarantine: permissionProcedure("site.read")
    .input(orgInput({ deviceId: ZId }))
    .output(z.array(ZDeadLetterView))
    .query(({ ctx, input }) => listDeadLetters(ctx.tx, ctx.tenant.orgId, input.deviceId)),

  dismissAlert: permissionProcedure("site.write")
    .input(orgInput({ deviceId: ZId, kind: ZDeviceAlertKind }))
    .output(z.void())
    .mutation(({ ctx, input }) =>
      dismissAlert(ctx.tx, ctx.user, ctx.tenant, input.deviceId, input.kind),
    ),

  approve: permissionProcedure("site.write")
    .input(orgInput({ deviceId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) => approveDevice(ctx.tx, ctx.user, ctx.tenant, input.deviceId)),

  reject: permissionProcedure("site.write")
    .input(orgInput({ deviceId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) => rejectDevice(ctx.tx, ctx.user, ctx.tenant, input.deviceId)),

  revoke: permissionProcedure("site.write")
    .input(orgInput({ deviceId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) => revokeDevice(ctx.tx, ctx.user, ctx.tenant, input.deviceId)),
});
