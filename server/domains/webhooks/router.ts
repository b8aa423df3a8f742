import { z } from "zod";
import { orgInput, ZId } from "../../api/inputs";
import { permissionProcedure, rest, router } from "../../api/trpc";
import { EVENT_CATALOG } from "../../platform/events/catalog";
import { page, pageInMemory, pageInput } from "../../platform/pagination";
import {
  ZCatalogEntry,
  ZDeliveryStatus,
  ZDeliveryView,
  ZDescription,
  ZEndpointView,
  ZEndpointWithSecret,
  ZEventTypes,
  ZWebhookUrl,
} from "./schemas";
import { listDeliveries, replayDead, replayDelivery, sendTest } from "./services/deliveries";
import {
  createEndpoint,
  deleteEndpoint,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
} from "./services/endpoints";

const ZReplayed = z.object({ replayed: z.number() });

export const webhookRouter = router({
  catalog: permissionProcedure("webhook.read", rest("GET /orgs/{orgSlug}/webhook-event-types"))
    .input(orgInput({}))
    .output(z.array(ZCatalogEntry))
    .query(() =>
      Object.entries(EVENT_CATALOG).map(([type, description]) => ({ type, description })),
    ),

  list: permissionProcedure("webhook.read", rest("GET /orgs/{orgSlug}/webhooks"))
    .input(orgInput(pageInput(["createdAt", "url"])))
    .output(page(ZEndpointView))
    .query(async ({ ctx, input }) =>
      pageInMemory(await listEndpoints(ctx.tx, ctx.tenant.orgId), input),
    ),

  create: permissionProcedure("webhook.write", rest("POST /orgs/{orgSlug}/webhooks", 201))
    .input(
      orgInput({
        url: ZWebhookUrl,
        description: ZDescription.default(""),
        events: ZEventTypes,
        enabled: z.boolean().default(true),
      }),
    )
    .output(ZEndpointWithSecret)
    .mutation(({ ctx, input }) => {
      const { orgSlug: _s, ...fields } = input;
      return createEndpoint(ctx.tx, ctx.principal, ctx.tenant.orgId, fields);
    }),

  update: permissionProcedure("webhook.write", rest("PATCH /orgs/{orgSlug}/webhooks/{endpointId}"))
    .input(
      orgInput({
        endpointId: ZId,
        url: ZWebhookUrl.optional(),
        description: ZDescription.optional(),
        events: ZEventTypes.optional(),
        enabled: z.boolean().optional(),
      }),
    )
    .output(ZEndpointView)
    .mutation(({ ctx, input }) => {
      const { orgSlug: _s, endpointId, ...fields } = input;
      return updateEndpoint(ctx.tx, ctx.principal, ctx.tenant.orgId, endpointId, fields);
    }),

  delete: permissionProcedure(
    "webhook.write",
    rest("DELETE /orgs/{orgSlug}/webhooks/{endpointId}", 204),
  )
    .input(orgInput({ endpointId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) =>
      deleteEndpoint(ctx.tx, ctx.principal, ctx.tenant.orgId, input.endpointId),
    ),

  rotateSecret: permissionProcedure(
    "webhook.write",
    rest("POST /orgs/{orgSlug}/webhooks/{endpointId}/rotate-secret"),
  )
    .input(orgInput({ endpointId: ZId }))
    .output(ZEndpointWithSecret)
    .mutation(({ ctx, input }) =>
      rotateSecret(ctx.tx, ctx.principal, ctx.tenant.orgId, input.endpointId),
    ),

  deliveries: permissionProcedure(
    "webhook.read",
    rest("GET /orgs/{orgSlug}/webhooks/{endpointId}/deliveries"),
  )
    .input(
      orgInput({
        endpointId: ZId,
        status: ZDeliveryStatus.optional(),
        limit: z.number().int().min(1).max(100).default(25),
        cursor: ZId.nullish(),
      }),
    )
    .output(z.object({ items: z.array(ZDeliveryView), next: ZId.nullable() }))
    .query(({ ctx, input }) => listDeliveries(ctx.tx, ctx.tenant.orgId, input)),

  replay: permissionProcedure(
    "webhook.write",
    rest("POST /orgs/{orgSlug}/webhook-deliveries/{deliveryId}/replay"),
  )
    .input(orgInput({ deliveryId: ZId }))
    .output(ZReplayed)
    .mutation(({ ctx, input }) =>
      replayDelivery(ctx.tx, ctx.principal, ctx.tenant.orgId, input.deliveryId),
    ),

  replayDead: permissionProcedure(
    "webhook.write",
    rest("POST /orgs/{orgSlug}/webhooks/{endpointId}/replay-dead"),
  )
    .input(orgInput({ endpointId: ZId }))
    .output(ZReplayed)
    .mutation(({ ctx, input }) =>
      replayDead(ctx.tx, ctx.principal, ctx.tenant.orgId, input.endpointId),
    ),

  sendTest: permissionProcedure(
    "webhook.write",
    rest("POST /orgs/{orgSlug}/webhooks/{endpointId}/test"),
  )
    .input(orgInput({ endpointId: ZId }))
    .output(z.object({ eventId: ZId }))
    .mutation(({ ctx, input }) =>
      sendTest(ctx.tx, ctx.principal, ctx.tenant.orgId, input.endpointId),
    ),
});

/** This domain's routers, keyed by their place in the API (server/api/root.ts). */
export const webhooksRouters = { webhook: webhookRouter };
