"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { FormFooter } from "@/app/_components/form-extras";
import { Card, Field, Options, Select } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { CHOICES } from "../list-specs";
import { SecretOnce } from "../webhooks/secret-once";
import { listOf } from "./scope-fields";

const FIELDS = ["name", "kind", "minSeverity", "recipients", "url", "routingKey"] as const;

export const CHANNEL_KINDS = [
  { value: "email", label: "Email" },
  { value: "webhook", label: "Webhook (signed)" },
  { value: "slack", label: "Slack" },
  { value: "teams", label: "Microsoft Teams" },
  { value: "pagerduty", label: "PagerDuty" },
] as const;
type Kind = (typeof CHANNEL_KINDS)[number]["value"];

const URL_HINT: Partial<Record<Kind, string>> = {
  webhook: "Each POST is signed with the channel's secret (shown once, after you add it)",
  slack: "The incoming webhook URL of the Slack channel",
  teams: "The URL of a Workflows (Power Automate) webhook",
};

/** The one field a kind needs: recipients, a URL or a routing key. */
function TargetField({ kind, errors }: { kind: Kind; errors: Partial<Record<string, string>> }) {
  if (kind === "email")
    return (
      <Field
        id="channel-recipients"
        label="Recipients"
        hint="Email addresses separated by commas"
        required
        error={errors.recipients}
      />
    );
  if (kind === "pagerduty")
    return (
      <Field
        id="channel-routing-key"
        label="Routing key"
        hint="The integration key of a PagerDuty Events API v2 integration"
        required
        autoComplete="off"
        error={errors.routingKey}
      />
    );
  return (
    <Field
      id="channel-url"
      label={kind === "webhook" ? "URL" : `${kind === "slack" ? "Slack" : "Teams"} webhook URL`}
      type="url"
      placeholder="https://"
      hint={URL_HINT[kind]}
      required
      error={errors.url}
    />
  );
}

/** Adds a notification channel of a kind; a webhook's signing secret is shown once. */
export function ChannelForm({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>("email");
  const [secret, setSecret] = useState<string | null>(null);
  const [added, setAdded] = useState(0);
  const create = useMutation(
    trpc.alerts.createChannel.mutationOptions({
      onSuccess: (created) => {
        setSecret(created.secret);
        setAdded((n) => n + 1);
        void queryClient.invalidateQueries({ queryKey: trpc.alerts.channels.queryKey() });
      },
    }),
  );
  const { message, fields } = formErrorsFor(create.error, FIELDS);
  return (
    <Card>
      <h3 className="mb-3 text-sm font-semibold">Add a channel</h3>
      {secret ? (
        <SecretOnce secret={secret} onDone={() => setSecret(null)} />
      ) : (
        <form
          aria-label="Add a notification channel"
          className="space-y-3"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const form = new FormData(e.currentTarget);
            const text = (name: string) => String(form.get(name) ?? "").trim();
            create.mutate({
              orgSlug,
              name: text("channel-name"),
              kind,
              minSeverity: text("channel-min-severity") as never,
              ...(kind === "email" ? { recipients: listOf(text("channel-recipients")) } : {}),
              ...(kind === "pagerduty" ? { routingKey: text("channel-routing-key") } : {}),
              ...(["webhook", "slack", "teams"].includes(kind) ? { url: text("channel-url") } : {}),
            });
          }}
        >
          <div key={added} className="grid gap-3 sm:grid-cols-2">
            <Field id="channel-name" label="Channel name" required error={fields.name} />
            <Select
              id="channel-kind"
              label="Kind"
              value={kind}
              onChange={(e) => setKind(e.currentTarget.value as Kind)}
              error={fields.kind}
            >
              <Options items={CHANNEL_KINDS} />
            </Select>
            <Select
              id="channel-min-severity"
              label="Minimum severity"
              defaultValue="minor"
              hint="Less severe incidents are not sent here"
              error={fields.minSeverity}
            >
              <Options items={CHOICES.severity} />
            </Select>
            <TargetField kind={kind} errors={fields} />
          </div>
          <FormFooter
            message={message}
            success={create.isSuccess && `Channel ${create.data.name} added.`}
            submitLabel="Add channel"
            pending={create.isPending}
          />
        </form>
      )}
    </Card>
  );
}
