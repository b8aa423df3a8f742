import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { Time } from "@/app/_components/local-time";
import { Card, PageHeader } from "@/app/_components/ui";
import { devOutbox } from "@/server/api/handlers";

export const metadata = { title: "Mail outbox" };
export const dynamic = "force-dynamic";

/**
 * Development only (MAIL_OUTBOX_UI, never in production): every email the product sent,
 * newest first, to platform operators. Anyone else gets a 404.
 */
export default async function OutboxPage() {
  const mails = await devOutbox(await headers());
  if (!mails) notFound();
  return (
    <main id="main" className="mx-auto max-w-3xl px-4 py-8">
      <PageHeader title="Mail outbox (development)" />
      <div className="space-y-3">
        {mails.length === 0 && <p className="text-slate-700">No mail sent yet.</p>}
        {mails.map((m) => (
          <Card key={m.id}>
            <article data-testid="mail" data-to={m.to} data-kind={m.kind}>
              <p className="text-sm text-slate-600">
                To {m.to} · {m.kind} · {m.status} · <Time value={m.createdAt} />
              </p>
              <h2 className="font-semibold">{m.subject}</h2>
              <pre className="mt-2 whitespace-pre-wrap break-all text-sm">{linkify(m.text)}</pre>
            </article>
          </Card>
        ))}
      </div>
    </main>
  );
}

function linkify(text: string) {
  return text.split(/(https?:\/\/\S+)/).map((part, i) =>
    /^https?:\/\//.test(part) ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: static split of one string
      <a key={i} href={part} className="text-brand-700 underline">
        {part}
      </a>
    ) : (
      part
    ),
  );
}
