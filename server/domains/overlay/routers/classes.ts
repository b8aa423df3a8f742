// SLA classes, application classes and user groups: short per-org lists (paged in memory),
// each a resource of the REST API.
import { zText } from "../../../../protocol/text";
import { ifMatch } from "../../../api/conditional";
import { orgInput, orgInputOf, patched, patchShape, ZId } from "../../../api/inputs";
import { restTag } from "../../../api/rest-tag";
import { permissionProcedure, router } from "../../../api/trpc";
import { ZRevisionResult, ZWriteResult } from "../../../platform/features/intent-rows";
import { named } from "../../../platform/list-filters";
import { page, pageInMemory, pageInput } from "../../../platform/pagination";
import { ZAppClassInput, ZSlaClassInput, ZUserGroupInput } from "../schemas";
import {
  createAppClass,
  deleteAppClass,
  getAppClass,
  listAppClasses,
  updateAppClass,
} from "../services/apps";
import {
  createUserGroup,
  deleteUserGroup,
  getUserGroup,
  listUserGroups,
  updateUserGroup,
} from "../services/groups";
import { ZAppClassView, ZCascadeResult, ZSlaClassView, ZUserGroupView } from "../services/outputs";
import {
  createSlaClass,
  deleteSlaClass,
  getSlaClass,
  listSlaClasses,
  updateSlaClass,
} from "../services/sla";

/** `q`: names that contain it (any case). */
const ZNameQuery = zText().max(60).optional();

const slaRoute = restTag("SLA classes");
/** If-Match on changes: compared with the ETag of the object's GET. */
const slaUnchanged = ifMatch(
  ZSlaClassView,
  (tx, orgId, input: { slaClassId: string }) => getSlaClass(tx, orgId, input.slaClassId),
  (input) => input.slaClassId,
);
export const sla = router({
  list: permissionProcedure("policy.read", slaRoute("GET /orgs/{orgSlug}/sla-classes"))
    .input(orgInput({ ...pageInput(["name"]), q: ZNameQuery }))
    .output(page(ZSlaClassView))
    .query(async ({ ctx, input }) =>
      pageInMemory(named(await listSlaClasses(ctx.tx, ctx.tenant.orgId), input.q), input),
    ),

  get: permissionProcedure("policy.read", slaRoute("GET /orgs/{orgSlug}/sla-classes/{slaClassId}"))
    .input(orgInput({ slaClassId: ZId }))
    .output(ZSlaClassView)
    .query(({ ctx, input }) => getSlaClass(ctx.tx, ctx.tenant.orgId, input.slaClassId)),

  create: permissionProcedure("policy.write", slaRoute("POST /orgs/{orgSlug}/sla-classes", 201))
    .input(orgInputOf(ZSlaClassInput))
    .output(ZWriteResult)
    .mutation(({ ctx, input: { orgSlug: _o, ...sla } }) =>
      createSlaClass(ctx.tx, ctx.principal, ctx.tenant, sla),
    ),

  update: permissionProcedure(
    "policy.write",
    slaRoute("PATCH /orgs/{orgSlug}/sla-classes/{slaClassId}"),
  )
    .input(orgInput({ slaClassId: ZId, ...patchShape(ZSlaClassInput.shape) }))
    .use(slaUnchanged)
    .output(ZWriteResult)
    .mutation(async ({ ctx, input }) => {
      const current = await getSlaClass(ctx.tx, ctx.tenant.orgId, input.slaClassId);
      const sla = patched(ZSlaClassInput, current, input);
      return updateSlaClass(ctx.tx, ctx.principal, ctx.tenant, input.slaClassId, sla);
    }),

  delete: permissionProcedure(
    "policy.write",
    slaRoute("DELETE /orgs/{orgSlug}/sla-classes/{slaClassId}"),
  )
    .input(orgInput({ slaClassId: ZId }))
    .use(slaUnchanged)
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) =>
      deleteSlaClass(ctx.tx, ctx.principal, ctx.tenant, input.slaClassId),
    ),
});

const appRoute = restTag("Application classes");
/** If-Match on changes: compared with the ETag of the object's GET. */
const appUnchanged = ifMatch(
  ZAppClassView,
  (tx, orgId, input: { appClassId: string }) => getAppClass(tx, orgId, input.appClassId),
  (input) => input.appClassId,
);
export const apps = router({
  list: permissionProcedure("policy.read", appRoute("GET /orgs/{orgSlug}/app-classes"))
    .input(orgInput({ ...pageInput(["number", "name"]), q: ZNameQuery }))
    .output(page(ZAppClassView))
    .query(async ({ ctx, input }) =>
      pageInMemory(named(await listAppClasses(ctx.tx, ctx.tenant.orgId), input.q), input),
    ),

  get: permissionProcedure("policy.read", appRoute("GET /orgs/{orgSlug}/app-classes/{appClassId}"))
    .input(orgInput({ appClassId: ZId }))
    .output(ZAppClassView)
    .query(({ ctx, input }) => getAppClass(ctx.tx, ctx.tenant.orgId, input.appClassId)),

  create: permissionProcedure("policy.write", appRoute("POST /orgs/{orgSlug}/app-classes", 201))
    .input(orgInputOf(ZAppClassInput))
    .output(ZWriteResult)
    .mutation(({ ctx, input: { orgSlug: _o, ...app } }) =>
      createAppClass(ctx.tx, ctx.principal, ctx.tenant, app),
    ),

  update: permissionProcedure(
    "policy.write",
    appRoute("PATCH /orgs/{orgSlug}/app-classes/{appClassId}"),
  )
    .input(orgInput({ appClassId: ZId, ...patchShape(ZAppClassInput.shape) }))
    .use(appUnchanged)
    .output(ZWriteResult)
    .mutation(async ({ ctx, input }) => {
      const current = await getAppClass(ctx.tx, ctx.tenant.orgId, input.appClassId);
      const app = patched(ZAppClassInput, current, input);
      return updateAppClass(ctx.tx, ctx.principal, ctx.tenant, input.appClassId, app);
    }),

  delete: permissionProcedure(
    "policy.write",
    appRoute("DELETE /orgs/{orgSlug}/app-classes/{appClassId}"),
  )
    .input(orgInput({ appClassId: ZId }))
    .use(appUnchanged)
    .output(ZCascadeResult)
    .mutation(({ ctx, input }) =>
      deleteAppClass(ctx.tx, ctx.principal, ctx.tenant, input.appClassId),
    ),
});

const groupRoute = restTag("User groups");
/** If-Match on changes: compared with the ETag of the object's GET. */
const groupUnchanged = ifMatch(
  ZUserGroupView,
  (tx, orgId, input: { userGroupId: string }) => getUserGroup(tx, orgId, input.userGroupId),
  (input) => input.userGroupId,
);
export const groups = router({
  list: permissionProcedure("policy.read", groupRoute("GET /orgs/{orgSlug}/user-groups"))
    .input(orgInput({ ...pageInput(["name"]), q: ZNameQuery }))
    .output(page(ZUserGroupView))
    .query(async ({ ctx, input }) =>
      pageInMemory(named(await listUserGroups(ctx.tx, ctx.tenant.orgId), input.q), input),
    ),

  get: permissionProcedure(
    "policy.read",
    groupRoute("GET /orgs/{orgSlug}/user-groups/{userGroupId}"),
  )
    .input(orgInput({ userGroupId: ZId }))
    .output(ZUserGroupView)
    .query(({ ctx, input }) => getUserGroup(ctx.tx, ctx.tenant.orgId, input.userGroupId)),

  create: permissionProcedure("policy.write", groupRoute("POST /orgs/{orgSlug}/user-groups", 201))
    .input(orgInputOf(ZUserGroupInput))
    .output(ZWriteResult)
    .mutation(({ ctx, input: { orgSlug: _o, ...group } }) =>
      createUserGroup(ctx.tx, ctx.principal, ctx.tenant, group),
    ),

  update: permissionProcedure(
    "policy.write",
    groupRoute("PATCH /orgs/{orgSlug}/user-groups/{userGroupId}"),
  )
    .input(orgInput({ userGroupId: ZId, ...patchShape(ZUserGroupInput.shape) }))
    .use(groupUnchanged)
    .output(ZWriteResult)
    .mutation(async ({ ctx, input }) => {
      const current = await getUserGroup(ctx.tx, ctx.tenant.orgId, input.userGroupId);
      const group = patched(ZUserGroupInput, current, input);
      return updateUserGroup(ctx.tx, ctx.principal, ctx.tenant, input.userGroupId, group);
    }),

  delete: permissionProcedure(
    "policy.write",
    groupRoute("DELETE /orgs/{orgSlug}/user-groups/{userGroupId}"),
  )
    .input(orgInput({ userGroupId: ZId }))
    .use(groupUnchanged)
    .output(ZCascadeResult)
    .mutation(({ ctx, input }) =>
      deleteUserGroup(ctx.tx, ctx.principal, ctx.tenant, input.userGroupId),
    ),
});
