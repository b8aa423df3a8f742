"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormReader, onSubmitRead } from "@/app/_components/form-data";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Checkbox, FormFooter } from "@/app/_components/form-extras";
import { Field, NumberField, Options, Select } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import type { OverlayIntent } from "@/server/domains/overlay";
import type { WanLinkInput } from "@/server/domains/overlay/schemas";
import { useIntentForm } from "../../_overlay/use-intent-form";

export type WanLink = OverlayIntent["links"][number];

// Not the kind select: it cannot be wrong, and whatever is said of it joins the headline.
const FIELDS = [
  "name",
  "interface",
  "gateway",
  "publicAddress",
  "cost",
  "upMbps",
  "downMbps",
] as const;

export const LINK_KINDS = [
  { value: "broadband", label: "Broadband" },
  { value: "fiber", label: "Fiber" },
  { value: "lte", label: "LTE / 5G" },
  { value: "mpls", label: "MPLS" },
] as const;

interface Props {
  orgSlug: string;
  siteId: string;
  /** Editing this link; absent: adding one. */
  link?: WanLink;
  /** After a save, and on cancel (editing: the dialog's close). */
  onDone?: () => void;
}

/** Adds a WAN link to the site, or edits one: intent, rolled out to the site's box. */
export function WanLinkForm({ orgSlug, siteId, link, onDone }: Props) {
  const trpc = useTRPC();
  const { prefix, added, onSuccess } = useIntentForm("link", link, { onDone });
  const create = useMutation(trpc.overlay.links.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.overlay.links.update.mutationOptions({ onSuccess }));
  const mutation = link ? update : create;
  const { message, fields } = formErrorsFor(mutation.error, FIELDS, "link.");

  const read = (r: FormReader): WanLinkInput => ({
    siteId,
    name: r.text("name"),
    kind: r.text("kind") as WanLinkInput["kind"],
    interface: r.text("interface"),
    gateway: r.optText("gateway"),
    publicAddress: r.optText("public-address"),
    cost: r.num("cost"),
    upMbps: r.num("up"),
    downMbps: r.num("down"),
    metered: r.checked("metered"),
    enabled: r.checked("enabled"),
  });

  return (
    <form
      aria-label={link ? `Edit link ${link.name}` : "Add a WAN link"}
      className="space-y-3"
      noValidate
      onSubmit={onSubmitRead(prefix, (r) => {
        if (link) update.mutate({ orgSlug, linkId: link.id, ...read(r) });
        else create.mutate({ orgSlug, ...read(r) });
      })}
    >
      <div key={added} className="space-y-3">
        <div className="grid gap-3 sm:grid-cols-3">
          <Field
            id={`${prefix}name`}
            label="Link name"
            defaultValue={link?.name ?? ""}
            placeholder="fiber1"
            required
            error={fields.name}
          />
          <Select id={`${prefix}kind`} label="Kind" defaultValue={link?.kind ?? "broadband"}>
            <Options items={LINK_KINDS} />
          </Select>
          <Field
            id={`${prefix}interface`}
            label="Interface"
            defaultValue={link?.interface ?? ""}
            placeholder="eth0"
            hint="The box's interface on this link"
            required
            error={fields.interface}
          />
        </div>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field
            id={`${prefix}gateway`}
            label="Gateway"
            defaultValue={link?.gateway ?? ""}
            placeholder="192.0.2.1"
            hint="Next hop; empty: the route the box has"
            error={fields.gateway}
          />
          <Field
            id={`${prefix}public-address`}
            label="Public address"
            defaultValue={link?.publicAddress ?? ""}
            placeholder="203.0.113.10"
            hint="Where peers send tunnels; empty: this link only dials out"
            error={fields.publicAddress}
          />
        </div>
        <div className="grid gap-3 sm:grid-cols-3">
          <NumberField
            id={`${prefix}cost`}
            label="Cost"
            min={0}
            max={10000}
            defaultValue={link?.cost ?? 10}
            hint="Lower wins among paths that meet an SLA"
            error={fields.cost}
          />
          <NumberField
            id={`${prefix}up`}
            label="Up (Mbps)"
            min={1}
            defaultValue={link?.upMbps ?? 100}
            error={fields.upMbps}
          />
          <NumberField
            id={`${prefix}down`}
            label="Down (Mbps)"
            min={1}
            defaultValue={link?.downMbps ?? 100}
            error={fields.downMbps}
          />
        </div>
        <div className="flex flex-wrap gap-6">
          <Checkbox
            id={`${prefix}metered`}
            label="Metered (paid per byte)"
            defaultChecked={link?.metered ?? false}
          />
          <Checkbox
            id={`${prefix}enabled`}
            label="Enabled"
            defaultChecked={link?.enabled ?? true}
          />
        </div>
      </div>
      <FormFooter
        message={message}
        success={
          !link && create.isSuccess && "Link added: the site's box gets it in the next rollout."
        }
        submitLabel={link ? "Save link" : "Add link"}
        pending={mutation.isPending}
        onCancel={onDone}
      />
    </form>
  );
}
