// Mail templates: placeholders checked at save, filled in at send; the sender header-safe.
import { describe, expect, it } from "vitest";
import { ZBrandFields, ZTemplateInput } from "../../server/domains/branding/schemas";
import { renderMail } from "../../server/domains/branding/services/branded-mail";
import { defaultEffectiveBrand } from "../../server/domains/branding/services/effective";
import { renderText, templateTextProblem } from "../../server/domains/branding/templates/render";
import { fromHeader, headerSafeName, senderNameProblem } from "../../server/platform/mail/sender";
import { DEFAULT_MAIL_TEMPLATES } from "../../server/platform/mail/templates";

describe("template checks", () => {
  it("names an unknown placeholder and lists the allowed ones", () => {
    expect(templateTextProblem("verify-email", "Hi {{orgName}} {{url}}", "body")).toBe(
      "Unknown placeholder {{orgName}}: this mail can use {{productName}}, {{url}}",
    );
  });

  it("requires the link where the mail carries one", () => {
    expect(templateTextProblem("invitation", "Join {{orgName}}", "body")).toBe(
      "The body must contain {{url}}: the mail carries that link",
    );
    expect(templateTextProblem("invitation", "Join {{orgName}}", "subject")).toBeUndefined();
  });

  it("refuses stray braces", () => {
    expect(templateTextProblem("alert", "{{url}} {{ oops", "body")).toMatch(/not a placeholder/);
  });

  it("accepts every default template", () => {
    for (const [kind, t] of Object.entries(DEFAULT_MAIL_TEMPLATES))
      expect(ZTemplateInput.safeParse({ kind, ...t }).success, kind).toBe(true);
  });

  it("reports the field at fault, with limits", () => {
    const long = ZTemplateInput.safeParse({
      kind: "alert",
      subject: "x".repeat(201),
      body: "{{url}}",
    });
    expect(long.error?.issues[0]?.path).toEqual(["subject"]);
    const unknown = ZTemplateInput.safeParse({
      kind: "alert",
      subject: "{{nope}}",
      body: "{{url}}",
    });
    expect(unknown.error?.issues[0]).toMatchObject({ path: ["subject"] });
  });
});

describe("rendering", () => {
  it("fills placeholders, keeps subjects on one line", () => {
    expect(renderText("{{ a }} and {{b}} and {{c}}", { a: "1", b: "2" })).toBe("1 and 2 and ");
    expect(renderText("Hi {{a}}", { a: "x\r\nBcc: y" }, true)).toBe("Hi x Bcc: y");
  });

  it("renders the default texts with the brand's product name", () => {
    const brand = { ...defaultEffectiveBrand(), productName: "Acme WAN", emailSenderName: "Acme" };
    const mail = renderMail(brand, DEFAULT_MAIL_TEMPLATES.invitation, {
      orgName: "Shop",
      inviterEmail: "a@b.test",
      url: "https://x.test/i/1",
    });
    expect(mail.subject).toBe("a@b.test invited you to Shop on Acme WAN");
    expect(mail.text).toContain("https://x.test/i/1");
    expect(mail.text).not.toContain("Patronus");
    expect(mail.fromName).toBe("Acme");
    expect(
      renderMail(defaultEffectiveBrand(), DEFAULT_MAIL_TEMPLATES.alert, {}).fromName,
    ).toBeNull();
  });
});

describe("sender name", () => {
  it("refuses what could break the header", () => {
    for (const bad of ['Acme" <x@evil>', "Acme\r\nBcc: x@evil", "Acme\nX", "<Acme>", "a\\b"])
      expect(senderNameProblem(bad), bad).toBeDefined();
    expect(senderNameProblem("Acme Networks (support)")).toBeUndefined();
    expect(ZBrandFields.shape.emailSenderName.safeParse("Acme\r\nBcc: x").success).toBe(false);
    expect(ZBrandFields.shape.emailSenderName.safeParse("x".repeat(61)).success).toBe(false);
  });

  it("is made header-safe whatever it holds", () => {
    expect(headerSafeName('A"c<m>e\r\nBcc: x')).toBe("Acme Bcc: x");
    expect(fromHeader("Acme", "Patronus <no-reply@patronus.local>")).toBe(
      '"Acme" <no-reply@patronus.local>',
    );
    expect(fromHeader("Acme", "no-reply@patronus.local")).toBe('"Acme" <no-reply@patronus.local>');
    expect(fromHeader(null, "Patronus <no-reply@p.local>")).toBe("Patronus <no-reply@p.local>");
    expect(fromHeader('"\r\n', "Patronus <no-reply@p.local>")).toBe("Patronus <no-reply@p.local>");
  });
});
