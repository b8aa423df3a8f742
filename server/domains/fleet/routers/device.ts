import { orgInput, ZId } from "../../../api/inputs";
import { permissionProcedure, router } from "../../../api/trpc";
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
    .query(({ ctx, input }) => listDevices(ctx.tx, ctx.tenant.orgId, input.siteId)),

  get: permissionProcedure("site.read")
    .input(orgInput({ deviceId: ZId }))
    .query(({ ctx, input }) => getDevice(ctx.tx, ctx.tenant.orgId, input.deviceId)),

  approve: permissionProcedure("site.write")
    .input(orgInput({ deviceId: ZId }))
    .mutation(({ ctx, input }) => approveDevice(ctx.tx, ctx.user, ctx.tenant, input.deviceId)),

  reject: permissionProcedure("site.write")
    .input(orgInput({ deviceId: ZId }))
    .mutation(({ ctx, input }) => rejectDevice(ctx.tx, ctx.user, ctx.tenant, input.deviceId)),

  revoke: permissionProcedure("site.write")
    .input(orgInput({ deviceId: ZId }))
    .mutation(({ ctx, input }) => revokeDevice(ctx.tx, ctx.user, ctx.tenant, input.deviceId)),
});
