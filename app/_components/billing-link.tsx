"use client";

import { useParams } from "next/navigation";
import { Link } from "@/app/_components/link";

const PHRASE = "the billing page";

/**
 * A server message that sends the user to "the billing page" (a plan limit, a read-only
 * org: PAYMENT_REQUIRED) gets that phrase as a link to the current org's billing page.
 */
export function WithBillingLink({ text }: { text: string }) {
  const params = useParams<{ slug?: string }>();
  const at = text.indexOf(PHRASE);
  if (!params.slug || at < 0) return text;
  return (
    <>
      {text.slice(0, at)}
      <Link href={`/o/${params.slug}/billing`} className="font-medium underline">
        {PHRASE}
      </Link>
      {text.slice(at + PHRASE.length)}
    </>
  );
}
