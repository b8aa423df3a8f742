// Mail in an org's brand: its effective template of the kind (its own, its MSP's, or the
// default) with the brand's product name filled in, sent under its sender name.
import type { Db, Tx } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import { queueMail } from "../../../platform/mail/queue-mail";
import { headerSafeName } from "../../../platform/mail/sender";
import type { TemplateKind } from "../templates/catalog";
import { renderText } from "../templates/render";
import type { EffectiveBrand } from "../views";
import { defaultEffectiveBrand, effectiveBrandIn } from "./effective";
import { effectiveTemplates, type TemplateText } from "./email-templates";

export interface BrandedMail {
  /** The org whose brand the mail wears; null: Patronus' own (mail about a person, not an org). */
  orgId: string | null;
  kind: TemplateKind;
  to: string;
  /** The kind's placeholders but productName (filled in from the brand). */
  vars: Record<string, string>;
  /** The outbox's kind when it differs from the template's (billing-payment-failed is an alert). */
  mailKind?: string;
}

/** The mail `template` makes for `brand` and `vars`. Pure. */
export function renderMail(
  brand: EffectiveBrand,
  template: Pick<TemplateText, "subject" | "body">,
  vars: Record<string, string>,
) {
  const all = { ...vars, productName: brand.productName };
  const fromName = brand.emailSenderName ? headerSafeName(brand.emailSenderName) || null : null;
  return {
    subject: renderText(template.subject, all, true),
    text: renderText(template.body, all),
    fromName,
  };
}

/**
 * Runs `fn` scoped to `orgId`: `db` is either the client (a transaction of its own) or a
 * transaction already scoped to `orgId` (a tenant procedure's, a billing sweep's).
 */
function inScope<T>(db: Db | Tx, orgId: string, fn: (tx: Tx) => Promise<T>) {
  return "$transaction" in db ? withScope(db as Db, { orgId }, fn) : fn(db as Tx);
}

/** Writes the mail to the outbox (in `db`'s transaction, if it is one). */
export async function brandedMail(db: Db | Tx, mail: BrandedMail) {
  const { orgId, kind, to, vars } = mail;
  const made = orgId
    ? await inScope(db, orgId, async (tx) => {
        const brand = await effectiveBrandIn(tx, orgId);
        return renderMail(brand, (await effectiveTemplates(tx, orgId))[kind], vars);
      })
    : renderMail(defaultEffectiveBrand(), (await effectiveTemplates(db as Tx, null))[kind], vars);
  return queueMail(db, { to, kind: mail.mailKind ?? kind, ...made });
}
