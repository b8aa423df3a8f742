"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Alert, Button, Card, Select, TextArea } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { EmbedSnippet } from "./embed-snippet";

const LIFETIMES = [
  { label: "1 hour", minutes: 60 },
  { label: "1 day", minutes: 24 * 60 },
  { label: "7 days", minutes: 7 * 24 * 60 },
];

/** Embedding the org's dashboard in another site: allowed origins, tokens, key rotation. */
export function EmbedSection({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.embed.settings.queryOptions({ orgSlug }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.embed.settings.queryKey() });
  const save = useMutation(trpc.embed.setOrigins.mutationOptions({ onSuccess: refresh }));
  const create = useMutation(trpc.embed.createToken.mutationOptions());
  const [token, setToken] = useState<string | null>(null);
  const rotate = useMutation(
    trpc.embed.rotateKey.mutationOptions({
      onSuccess: () => {
        // The link on screen was just revoked.
        setToken(null);
        void refresh();
      },
    }),
  );
  const { message, fields } = formErrorsFor(save.error, ["origins"] as const);
  return (
    <Card>
      <h2 className="mb-1 font-semibold">Embed the dashboard</h2>
      <p className="mb-3 text-sm text-slate-700">
        A signed link shows this organization's read-only dashboard without signing in, in a frame
        on the sites you allow below. Rotating the key revokes every link.
      </p>
      {settings.data && (
        <form
          className="mb-4 space-y-2"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const text = String(new FormData(e.currentTarget).get("embed-origins") ?? "");
            const origins = text.split(/\s+/).filter(Boolean);
            save.mutate({ orgSlug, origins });
          }}
        >
          <TextArea
            id="embed-origins"
            label="Sites allowed to frame it (https origins, one per line)"
            rows={3}
            defaultValue={settings.data.origins.join("\n")}
            placeholder="https://www.example.com"
            error={fields.origins}
          />
          <Button type="submit" variant="secondary" disabled={save.isPending}>
            Save origins
          </Button>
          {save.isSuccess && <Alert kind="success">Origins saved.</Alert>}
          {message && <Alert>{message}</Alert>}
        </form>
      )}
      <form
        className="flex flex-col gap-2 sm:flex-row sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          const minutes = Number(new FormData(e.currentTarget).get("embed-lifetime"));
          create.mutate(
            { orgSlug, expiresInMinutes: minutes },
            { onSuccess: (created) => setToken(created.token) },
          );
        }}
      >
        <Select id="embed-lifetime" label="Link valid for" defaultValue={String(24 * 60)}>
          {LIFETIMES.map((l) => (
            <option key={l.minutes} value={l.minutes}>
              {l.label}
            </option>
          ))}
        </Select>
        <Button type="submit" disabled={create.isPending}>
          Create embed link
        </Button>
        <ConfirmButton
          label="Rotate key"
          variant="secondary"
          title="Rotate the embed key?"
          onConfirm={() => rotate.mutate({ orgSlug })}
        >
          Every embed link made so far stops working at once.
        </ConfirmButton>
      </form>
      {create.error && <Alert>{create.error.message}</Alert>}
      {rotate.isSuccess && <Alert kind="success">Key rotated: earlier links are revoked.</Alert>}
      {token && create.data && <EmbedSnippet token={token} expiresAt={create.data.expiresAt} />}
    </Card>
  );
}
