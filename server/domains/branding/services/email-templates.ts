// An org's own wording of its mails, per kind. A kind without its own text uses its MSP
// parent's (readable from the customer's scope, like the brand), then the default.
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import { DEFAULT_MAIL_TEMPLATES } from "../../../platform/mail/templates";
import { PLACEHOLDERS, TEMPLATE_KINDS, type TemplateKind } from "../templates/catalog";

export interface TemplateText {
  subject: string;
  body: string;
  source: "own" | "msp" | "default";
}

/** Each kind's text for `orgId` (null: no org, the defaults). */
export async function effectiveTemplates(
  tx: Tx,
  orgId: string | null,
): Promise<Record<TemplateKind, TemplateText>> {
  const org = orgId
    ? await tx.organization.findUnique({ where: { id: orgId }, select: { parentId: true } })
    : null;
  const ids = [orgId, org?.parentId].filter((id): id is string => !!id);
  const rows = ids.length ? await tx.emailTemplate.findMany({ where: { orgId: { in: ids } } }) : [];
  const find = (id: string | null | undefined, kind: string) =>
    id ? rows.find((r) => r.orgId === id && r.kind === kind) : undefined;
  return Object.fromEntries(
    TEMPLATE_KINDS.map((kind) => {
      const own = find(orgId, kind);
      const msp = find(org?.parentId, kind);
      const row = own ?? msp;
      const text: TemplateText = row
        ? { subject: row.subject, body: row.body, source: own ? "own" : "msp" }
        : { ...DEFAULT_MAIL_TEMPLATES[kind], source: "default" };
      return [kind, text];
    }),
  ) as Record<TemplateKind, TemplateText>;
}

export async function listTemplates(tx: Tx, orgId: string) {
  const texts = await effectiveTemplates(tx, orgId);
  return TEMPLATE_KINDS.map((kind) => ({
    kind,
    ...texts[kind],
    placeholders: [...PLACEHOLDERS[kind].allowed],
    required: [...PLACEHOLDERS[kind].required],
  }));
}

const viewOf = async (tx: Tx, orgId: string, kind: TemplateKind) =>
  (await listTemplates(tx, orgId)).find((t) => t.kind === kind)!;

export async function updateTemplate(
  tx: Tx,
  actor: Actor,
  orgId: string,
  input: { kind: TemplateKind; subject: string; body: string },
) {
  const before = await tx.emailTemplate.findUnique({
    where: { orgId_kind: { orgId, kind: input.kind } },
  });
  await tx.emailTemplate.upsert({
    where: { orgId_kind: { orgId, kind: input.kind } },
    create: { orgId, ...input },
    update: { subject: input.subject, body: input.body },
  });
  await writeAudit(tx, actor, {
    orgId,
    action: "brand.template_update",
    targetType: "email_template",
    targetId: input.kind,
    before: before ? { subject: before.subject, body: before.body } : null,
    after: { subject: input.subject, body: input.body },
  });
  return viewOf(tx, orgId, input.kind);
}

/** Drops the org's own text of `kind`: the MSP's or the default applies again. */
export async function resetTemplate(tx: Tx, actor: Actor, orgId: string, kind: TemplateKind) {
  const before = await tx.emailTemplate.findUnique({ where: { orgId_kind: { orgId, kind } } });
  if (before) {
    await tx.emailTemplate.delete({ where: { orgId_kind: { orgId, kind } } });
    await writeAudit(tx, actor, {
      orgId,
      action: "brand.template_reset",
      targetType: "email_template",
      targetId: kind,
      before: { subject: before.subject, body: before.body },
    });
  }
  return viewOf(tx, orgId, kind);
}
