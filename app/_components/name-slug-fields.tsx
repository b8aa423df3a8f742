"use client";

import { useState } from "react";
import { slugify } from "@/app/_lib/slugify";
import { Field } from "./ui";

/**
 * A name and a URL name suggested from it until the user edits the URL name. Both are
 * plain form fields (`<prefix>name`, `<prefix>slug`), read with FormData on submit.
 * Change `key` to reset it after a successful submit.
 */
export function NameSlugFields({
  prefix = "",
  nameLabel,
  errors,
}: {
  prefix?: string;
  nameLabel: string;
  errors: Record<string, string>;
}) {
  const [slug, setSlug] = useState("");
  const [edited, setEdited] = useState(false);
  return (
    <>
      <Field
        id={`${prefix}name`}
        label={nameLabel}
        required
        error={errors.name}
        onChange={(e) => !edited && setSlug(slugify(e.target.value))}
      />
      <Field
        id={`${prefix}slug`}
        label="URL name"
        required
        value={slug}
        hint="Lowercase letters, digits and dashes"
        error={errors.slug}
        onChange={(e) => {
          setEdited(true);
          setSlug(e.target.value);
        }}
      />
    </>
  );
}
