// A template as a mail of the org would read: the org's brand, sample values.
import type { Tx } from "../../../platform/db/client";
import { env } from "../../../platform/env";
import { fromHeader } from "../../../platform/mail/sender";
import { SAMPLE_VARS, type TemplateKind } from "../templates/catalog";
import { renderMail } from "./branded-mail";
import { effectiveBrandIn } from "./effective";

export async function previewTemplate(
  tx: Tx,
  orgId: string,
  template: { kind: TemplateKind; subject: string; body: string },
) {
  const brand = await effectiveBrandIn(tx, orgId);
  const org = await tx.organization.findUnique({ where: { id: orgId }, select: { name: true } });
  const vars = {
    ...SAMPLE_VARS,
    orgName: org?.name ?? SAMPLE_VARS.orgName!,
    url: `${env.APP_URL.replace(/\/$/, "")}/example-link`,
  };
  const mail = renderMail(brand, template, vars);
  return { subject: mail.subject, text: mail.text, from: fromHeader(mail.fromName, env.MAIL_FROM) };
}
