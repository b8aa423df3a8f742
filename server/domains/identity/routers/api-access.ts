import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { orgInput } from "../../../api/inputs";
import { permissionProcedure, rest, router } from "../../../api/trpc";
import { getApiAccess, MAX_CORS_ORIGINS, updateApiAccess } from "../services/api-access/api-access";

const ZApiAccess = z.object({ corsOrigins: z.array(zText()) });

/** The org's REST API settings: the browser origins allowed to call it (CORS). */
export const apiAccessRouter = router({
  get: permissionProcedure("org.read", rest("GET /orgs/{orgSlug}/api-access"))
    .input(orgInput({}))
    .output(ZApiAccess)
    .query(({ ctx }) => getApiAccess(ctx.tx, ctx.tenant.orgId)),

  update: permissionProcedure("org.update", rest("PUT /orgs/{orgSlug}/api-access"))
    .input(orgInput({ corsOrigins: z.array(zText().max(200)).max(MAX_CORS_ORIGINS * 2) }))
    .output(ZApiAccess)
    .mutation(({ ctx, input }) => updateApiAccess(ctx.tx, ctx.principal, ctx.tenant, input)),
});
