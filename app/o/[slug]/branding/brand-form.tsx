"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Alert, Button, Field, TextArea } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import type { AppRouter } from "@/server/api/root";
import { ZBrandFields } from "@/server/api/shared";
import { BrandPreview } from "./brand-preview";
import { issuesByField, textOrNull } from "./client-checks";
import { ColourField } from "./colour-field";

export type BrandView = inferRouterOutputs<AppRouter>["brand"]["get"];
const FIELDS = [
  "productName",
  "primaryColor",
  "accentColor",
  "supportUrl",
  "supportEmail",
  "signInText",
  "emailSenderName",
  "hidePoweredBy",
] as const;

/** The brand's own fields; an empty one inherits (its placeholder shows what from). */
export function BrandForm({ orgSlug, brand }: { orgSlug: string; brand: BrandView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { own, effective, whiteLabel } = brand;
  const [primary, setPrimary] = useState(own.primaryColor ?? "");
  const [accent, setAccent] = useState(own.accentColor ?? "");
  const [local, setLocal] = useState<Record<string, string>>({});
  const update = useMutation(
    trpc.brand.update.mutationOptions({
      onSuccess: (view) => queryClient.setQueryData(trpc.brand.get.queryKey({ orgSlug }), view),
    }),
  );
  const server = formErrorsFor(update.error, FIELDS);
  const fields: Record<string, string | undefined> = { ...server.fields, ...local };
  const inherited = (v: string | null) => v ?? "";
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const patch = {
          productName: textOrNull(form, "productName"),
          primaryColor: primary.trim() || null,
          accentColor: accent.trim() || null,
          supportUrl: textOrNull(form, "supportUrl"),
          supportEmail: textOrNull(form, "supportEmail"),
          signInText: textOrNull(form, "signInText"),
          emailSenderName: textOrNull(form, "emailSenderName"),
          // A toggle the plan does not allow is disabled: what is stored stays as it is.
          hidePoweredBy: !whiteLabel.allowed
            ? undefined
            : form.get("hidePoweredBy")
              ? true
              : own.hidePoweredBy === null
                ? null
                : false,
        };
        const checked = ZBrandFields.partial().safeParse(patch);
        setLocal(issuesByField(checked));
        if (checked.success) update.mutate({ orgSlug, ...patch });
      }}
    >
      {server.message && <Alert>{server.message}</Alert>}
      {update.isSuccess && Object.keys(local).length === 0 && <Alert kind="success">Saved.</Alert>}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          id="productName"
          label="Product name"
          defaultValue={own.productName ?? ""}
          placeholder={effective.productName}
          error={fields.productName}
        />
        <Field
          id="emailSenderName"
          label="Email sender name"
          defaultValue={own.emailSenderName ?? ""}
          placeholder={inherited(effective.emailSenderName)}
          hint="Shown as the sender of the mail your people get"
          error={fields.emailSenderName}
        />
        <ColourField
          id="primaryColor"
          label="Primary colour"
          value={primary}
          inherited={effective.primaryColor}
          onChange={setPrimary}
          needs={{ white: 4.5, dark: 0 }}
          error={fields.primaryColor}
        />
        <ColourField
          id="accentColor"
          label="Accent colour"
          value={accent}
          inherited={effective.accentColor}
          onChange={setAccent}
          needs={{ white: 3, dark: 3 }}
          error={fields.accentColor}
        />
      </div>
      <BrandPreview
        primary={primary || effective.primaryColor}
        accent={accent || effective.accentColor}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          id="supportUrl"
          label="Support URL"
          type="url"
          defaultValue={own.supportUrl ?? ""}
          placeholder={inherited(effective.supportUrl) || "https://support.example.com"}
          error={fields.supportUrl}
        />
        <Field
          id="supportEmail"
          label="Support email"
          type="email"
          defaultValue={own.supportEmail ?? ""}
          placeholder={inherited(effective.supportEmail)}
          error={fields.supportEmail}
        />
      </div>
      <TextArea
        id="signInText"
        label="Sign-in page text"
        rows={3}
        defaultValue={own.signInText ?? ""}
        placeholder={inherited(effective.signInText)}
        hint="At most 500 characters, plain text"
        error={fields.signInText}
      />
      <div>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="hidePoweredBy"
            defaultChecked={own.hidePoweredBy ?? false}
            disabled={!whiteLabel.allowed}
            aria-describedby="hidePoweredBy-hint"
          />
          Hide “Powered by Patronus”
        </label>
        <p id="hidePoweredBy-hint" className="text-xs text-slate-600">
          {whiteLabel.reason ?? "Your plan includes white-label."}
        </p>
        {fields.hidePoweredBy && <p className="text-xs text-red-700">{fields.hidePoweredBy}</p>}
      </div>
      <Button type="submit" disabled={update.isPending}>
        Save brand
      </Button>
    </form>
  );
}
