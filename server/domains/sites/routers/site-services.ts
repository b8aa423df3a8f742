// Port forwards and load-balanced services of a site: intent, like policy rules (hence
// policy.write to change them).
import { zText } from "../../../../protocol/text";
import { ifMatch } from "../../../api/conditional";
import { orgInput, orgInputOf, ZId } from "../../../api/inputs";
import { restTag } from "../../../api/rest-tag";
import { permissionProcedure } from "../../../api/trpc";
import { ZRevisionResult, ZWriteResult } from "../../../platform/features/intent-rows";
import { page, pageInput } from "../../../platform/pagination";
import { ZLbServiceInput, ZLbServiceView, ZPortForwardInput, ZPortForwardView } from "../schemas";
import {
  createPortForward,
  createService,
  deletePortForward,
  deleteService,
  getPortForward,
  getService,
  listPortForwards,
  listServices,
  updateServiceBackends,
} from "../services/site-services";

const forwardRoute = restTag("Port forwards");
const serviceRoute = restTag("Services");
/** If-Match on changes: compared with the ETag of the object's GET. */
const forwardUnchanged = ifMatch(
  ZPortForwardView,
  (tx, orgId, input: { portForwardId: string }) => getPortForward(tx, orgId, input.portForwardId),
  (input) => input.portForwardId,
);
/** If-Match on changes: compared with the ETag of the object's GET. */
const serviceUnchanged = ifMatch(
  ZLbServiceView,
  (tx, orgId, input: { serviceId: string }) => getService(tx, orgId, input.serviceId),
  (input) => input.serviceId,
);

/** Procedures of the `site` router (../router.ts). */
export const portForwards = {
  portForwards: permissionProcedure(
    "site.read",
    forwardRoute("GET /orgs/{orgSlug}/sites/{siteId}/port-forwards"),
  )
    .input(orgInput({ siteId: ZId, ...pageInput(["port", "createdAt"]) }))
    .output(page(ZPortForwardView))
    .query(({ ctx, input }) => listPortForwards(ctx.tx, ctx.tenant.orgId, input.siteId, input)),

  getPortForward: permissionProcedure(
    "site.read",
    forwardRoute("GET /orgs/{orgSlug}/port-forwards/{portForwardId}"),
  )
    .input(orgInput({ portForwardId: ZId }))
    .output(ZPortForwardView)
    .query(({ ctx, input }) => getPortForward(ctx.tx, ctx.tenant.orgId, input.portForwardId)),

  createPortForward: permissionProcedure(
    "policy.write",
    forwardRoute("POST /orgs/{orgSlug}/sites/{siteId}/port-forwards", 201),
  )
    .input(orgInputOf(ZPortForwardInput))
    .output(ZWriteResult)
    .mutation(({ ctx, input: { orgSlug: _o, ...f } }) =>
      createPortForward(ctx.tx, ctx.principal, ctx.tenant, f),
    ),

  deletePortForward: permissionProcedure(
    "policy.write",
    forwardRoute("DELETE /orgs/{orgSlug}/port-forwards/{portForwardId}"),
  )
    .input(orgInput({ portForwardId: ZId }))
    .use(forwardUnchanged)
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) =>
      deletePortForward(ctx.tx, ctx.principal, ctx.tenant, input.portForwardId),
    ),
};

/** Procedures of the `site` router (../router.ts). */
export const services = {
  services: permissionProcedure(
    "site.read",
    serviceRoute("GET /orgs/{orgSlug}/sites/{siteId}/services"),
  )
    .input(
      orgInput({ siteId: ZId, ...pageInput(["name", "createdAt"]), q: zText().max(60).optional() }),
    )
    .output(page(ZLbServiceView))
    .query(({ ctx, input }) => listServices(ctx.tx, ctx.tenant.orgId, input.siteId, input)),

  getService: permissionProcedure(
    "site.read",
    serviceRoute("GET /orgs/{orgSlug}/services/{serviceId}"),
  )
    .input(orgInput({ serviceId: ZId }))
    .output(ZLbServiceView)
    .query(({ ctx, input }) => getService(ctx.tx, ctx.tenant.orgId, input.serviceId)),

  createService: permissionProcedure(
    "policy.write",
    serviceRoute("POST /orgs/{orgSlug}/sites/{siteId}/services", 201),
  )
    .input(orgInputOf(ZLbServiceInput))
    .output(ZWriteResult)
    .mutation(({ ctx, input: { orgSlug: _o, ...s } }) =>
      createService(ctx.tx, ctx.principal, ctx.tenant, s),
    ),

  // The backends are set whole (a PUT): the list is the service's pool as it should be.
  updateServiceBackends: permissionProcedure(
    "policy.write",
    serviceRoute("PUT /orgs/{orgSlug}/services/{serviceId}/backends"),
  )
    .input(orgInput({ serviceId: ZId, backends: ZLbServiceInput.shape.backends }))
    .use(serviceUnchanged)
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) =>
      updateServiceBackends(ctx.tx, ctx.principal, ctx.tenant, input.serviceId, input.backends),
    ),

  deleteService: permissionProcedure(
    "policy.write",
    serviceRoute("DELETE /orgs/{orgSlug}/services/{serviceId}"),
  )
    .input(orgInput({ serviceId: ZId }))
    .use(serviceUnchanged)
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) =>
      deleteService(ctx.tx, ctx.principal, ctx.tenant, input.serviceId),
    ),
};
