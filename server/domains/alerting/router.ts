import { z } from "zod";
import { zText } from "../../../protocol/text";
import { orgInput, ZId } from "../../api/inputs";
import { permissionProcedure, rest, router } from "../../api/trpc";
import { page, pageInMemory, pageInput } from "../../platform/pagination";
import { KINDS, RULE_KINDS, ZRuleKind, ZSeverity } from "./rules/catalog";
import {
  ZChannelCreated,
  ZChannelKind,
  ZChannelName,
  ZChannelView,
  ZForSeconds,
  ZIncidentDetail,
  ZIncidentStatus,
  ZIncidentView,
  ZNotificationView,
  ZRecipients,
  ZRoutingKey,
  ZRuleName,
  ZRuleView,
  ZScopeSites,
  ZScopeTags,
  ZWebhookUrl,
  ZWindowName,
  ZWindowView,
} from "./schemas";
import {
  createChannel,
  deleteChannel,
  listChannels,
  listNotifications,
  testChannel,
  updateChannel,
} from "./services/channels";
import {
  acknowledgeIncident,
  getIncident,
  listIncidents,
  muteIncident,
} from "./services/incidents";
import { createRule, deleteRule, listRules, updateRule } from "./services/rules";
import { createWindow, deleteWindow, listWindows } from "./services/windows";

/** An ISO 8601 instant with its offset (a window's bounds). */
const ZInstant = zText()
  .max(40)
  .pipe(z.iso.datetime({ offset: true, message: "an ISO 8601 date and time with its offset" }))
  .transform((s) => new Date(s))
  .refine(
    (d) => d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 9999,
    "a date between 2000 and 9999",
  );

const ruleFields = {
  name: ZRuleName,
  enabled: z.boolean(),
  severity: ZSeverity,
  params: z.record(zText().max(64), z.unknown()),
  forSeconds: ZForSeconds,
  siteIds: ZScopeSites,
  tags: ZScopeTags,
};

const alertsRouter = router({
  ruleKinds: permissionProcedure("alert.read", rest("GET /orgs/{orgSlug}/alert-rule-kinds"))
    .input(orgInput({}))
    .output(
      z.array(
        z.object({
          kind: ZRuleKind,
          description: zText(),
          defaults: ZRuleView.pick({ name: true, severity: true, forSeconds: true, params: true }),
        }),
      ),
    )
    .query(() =>
      KINDS.map((kind) => ({
        kind,
        description: RULE_KINDS[kind].description,
        defaults: RULE_KINDS[kind].defaults,
      })),
    ),

  rules: permissionProcedure("alert.read", rest("GET /orgs/{orgSlug}/alert-rules"))
    .input(orgInput(pageInput(["kind", "name", "updatedAt"])))
    .output(page(ZRuleView))
    .query(async ({ ctx, input }) =>
      pageInMemory(await listRules(ctx.tx, ctx.tenant.orgId), input),
    ),

  createRule: permissionProcedure("alert.write", rest("POST /orgs/{orgSlug}/alert-rules", 201))
    .input(
      orgInput({
        kind: ZRuleKind,
        ...ruleFields,
        enabled: ruleFields.enabled.default(true),
        params: ruleFields.params.optional(),
        siteIds: ruleFields.siteIds.default([]),
        tags: ruleFields.tags.default([]),
      }),
    )
    .output(ZRuleView)
    .mutation(({ ctx, input: { orgSlug: _, ...rule } }) =>
      createRule(ctx.tx, ctx.principal, ctx.tenant.orgId, { ...rule, params: rule.params ?? {} }),
    ),

  updateRule: permissionProcedure("alert.write", rest("PATCH /orgs/{orgSlug}/alert-rules/{ruleId}"))
    .input(
      orgInput({
        ruleId: ZId,
        name: ruleFields.name.optional(),
        enabled: ruleFields.enabled.optional(),
        severity: ruleFields.severity.optional(),
        params: ruleFields.params.optional(),
        forSeconds: ruleFields.forSeconds.optional(),
        siteIds: ruleFields.siteIds.optional(),
        tags: ruleFields.tags.optional(),
      }),
    )
    .output(ZRuleView)
    .mutation(({ ctx, input: { orgSlug: _, ruleId, ...fields } }) =>
      updateRule(ctx.tx, ctx.principal, ctx.tenant.orgId, ruleId, fields),
    ),

  deleteRule: permissionProcedure(
    "alert.write",
    rest("DELETE /orgs/{orgSlug}/alert-rules/{ruleId}", 204),
  )
    .input(orgInput({ ruleId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) =>
      deleteRule(ctx.tx, ctx.principal, ctx.tenant.orgId, input.ruleId),
    ),

  channels: permissionProcedure("alert.read", rest("GET /orgs/{orgSlug}/notification-channels"))
    .input(orgInput(pageInput(["createdAt", "name"])))
    .output(page(ZChannelView))
    .query(async ({ ctx, input }) =>
      pageInMemory(await listChannels(ctx.tx, ctx.tenant.orgId), input),
    ),

  createChannel: permissionProcedure(
    "alert.write",
    rest("POST /orgs/{orgSlug}/notification-channels", 201),
  )
    .input(
      orgInput({
        name: ZChannelName,
        kind: ZChannelKind,
        enabled: z.boolean().default(true),
        minSeverity: ZSeverity.default("minor"),
        recipients: ZRecipients.optional(),
        url: ZWebhookUrl.optional(),
        routingKey: ZRoutingKey.optional(),
      }),
    )
    .output(ZChannelCreated)
    .mutation(({ ctx, input: { orgSlug: _, ...channel } }) =>
      createChannel(ctx.tx, ctx.principal, ctx.tenant.orgId, channel),
    ),

  updateChannel: permissionProcedure(
    "alert.write",
    rest("PATCH /orgs/{orgSlug}/notification-channels/{channelId}"),
  )
    .input(
      orgInput({
        channelId: ZId,
        name: ZChannelName.optional(),
        enabled: z.boolean().optional(),
        minSeverity: ZSeverity.optional(),
        recipients: ZRecipients.optional(),
        url: ZWebhookUrl.optional(),
        routingKey: ZRoutingKey.optional(),
      }),
    )
    .output(ZChannelView)
    .mutation(({ ctx, input: { orgSlug: _, channelId, ...fields } }) =>
      updateChannel(ctx.tx, ctx.principal, ctx.tenant.orgId, channelId, fields),
    ),

  deleteChannel: permissionProcedure(
    "alert.write",
    rest("DELETE /orgs/{orgSlug}/notification-channels/{channelId}", 204),
  )
    .input(orgInput({ channelId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) =>
      deleteChannel(ctx.tx, ctx.principal, ctx.tenant.orgId, input.channelId),
    ),

  testChannel: permissionProcedure(
    "alert.write",
    rest("POST /orgs/{orgSlug}/notification-channels/{channelId}/test", 202),
  )
    .input(orgInput({ channelId: ZId }))
    .output(z.object({ notificationId: zText() }))
    .mutation(({ ctx, input }) => testChannel(ctx.tx, ctx.tenant.orgId, input.channelId)),

  notifications: permissionProcedure("alert.read", rest("GET /orgs/{orgSlug}/notifications"))
    .input(
      orgInput({
        channelId: ZId.optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    )
    .output(z.array(ZNotificationView))
    .query(({ ctx, input }) =>
      listNotifications(ctx.tx, ctx.tenant.orgId, input.channelId, input.limit),
    ),

  windows: permissionProcedure("alert.read", rest("GET /orgs/{orgSlug}/maintenance-windows"))
    .input(orgInput(pageInput(["startsAt", "name"])))
    .output(page(ZWindowView))
    .query(async ({ ctx, input }) =>
      pageInMemory(await listWindows(ctx.tx, ctx.tenant.orgId), input),
    ),

  createWindow: permissionProcedure(
    "alert.write",
    rest("POST /orgs/{orgSlug}/maintenance-windows", 201),
  )
    .input(
      orgInput({
        name: ZWindowName,
        siteIds: ZScopeSites.default([]),
        startsAt: ZInstant,
        endsAt: ZInstant,
      }),
    )
    .output(ZWindowView)
    .mutation(({ ctx, input: { orgSlug: _, ...w } }) =>
      createWindow(ctx.tx, ctx.principal, ctx.tenant.orgId, w),
    ),

  deleteWindow: permissionProcedure(
    "alert.write",
    rest("DELETE /orgs/{orgSlug}/maintenance-windows/{windowId}", 204),
  )
    .input(orgInput({ windowId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) =>
      deleteWindow(ctx.tx, ctx.principal, ctx.tenant.orgId, input.windowId),
    ),
});

const incidentsRouter = router({
  list: permissionProcedure("incident.read", rest("GET /orgs/{orgSlug}/incidents"))
    .input(
      orgInput({
        ...pageInput(["openedAt", "number"]),
        order: z.enum(["asc", "desc"]).default("desc"),
        status: z.union([ZIncidentStatus, z.literal("active")]).optional(),
        severity: ZSeverity.optional(),
        siteId: ZId.optional(),
      }),
    )
    .output(page(ZIncidentView))
    .query(({ ctx, input: { orgSlug: _, status, severity, siteId, ...q } }) =>
      listIncidents(ctx.tx, ctx.tenant.orgId, { status, severity, siteId }, q),
    ),

  get: permissionProcedure("incident.read", rest("GET /orgs/{orgSlug}/incidents/{incidentId}"))
    .input(orgInput({ incidentId: ZId }))
    .output(ZIncidentDetail)
    .query(({ ctx, input }) => getIncident(ctx.tx, ctx.tenant.orgId, input.incidentId)),

  acknowledge: permissionProcedure(
    "incident.act",
    rest("POST /orgs/{orgSlug}/incidents/{incidentId}/acknowledge"),
  )
    .input(orgInput({ incidentId: ZId }))
    .output(ZIncidentDetail)
    .mutation(({ ctx, input }) =>
      acknowledgeIncident(ctx.tx, ctx.principal, ctx.tenant.orgId, input.incidentId),
    ),

  mute: permissionProcedure(
    "incident.act",
    rest("POST /orgs/{orgSlug}/incidents/{incidentId}/mute"),
  )
    .input(orgInput({ incidentId: ZId, minutes: z.number().int().min(1).max(10_080).nullable() }))
    .output(ZIncidentDetail)
    .mutation(({ ctx, input }) =>
      muteIncident(ctx.tx, ctx.principal, ctx.tenant.orgId, input.incidentId, input.minutes),
    ),
});

export const alertingRouters = { alerts: alertsRouter, incidents: incidentsRouter };
