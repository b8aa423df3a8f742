import { Link } from "@/app/_components/link";
import { ButtonLink } from "./_components/ui";

const features = [
  ["Zero-touch sites", "Put the agent on a Linux box; it enrolls itself over mutual TLS."],
  ["Encrypted overlay", "WireGuard tunnels between every site and cloud, steered per application."],
  ["eBPF data plane", "Segmentation, NAT and load balancing at line rate, in the kernel."],
  ["Built for MSPs", "Run every customer from one login, with white-label dashboards."],
];

export default function LandingPage() {
  return (
    <main id="main">
      <header className="mx-auto flex max-w-5xl items-center justify-between px-6 py-5">
        <span className="text-xl font-bold text-brand-700">Patronus</span>
        <nav aria-label="Account" className="flex gap-3">
          <ButtonLink href="/sign-in" variant="secondary">
            Sign in
          </ButtonLink>
          <ButtonLink href="/sign-up">Start free</ButtonLink>
        </nav>
      </header>
      <section className="mx-auto max-w-5xl px-6 py-16 text-center">
        <h1 className="text-4xl font-bold tracking-tight text-slate-900 sm:text-5xl">
          Open SD-WAN, as a service
        </h1>
        <p className="mx-auto mt-4 max-w-2xl text-lg text-slate-700">
          Connect every site and cloud with encrypted tunnels, application-aware steering and
          sub-second failover. Open source, multi-tenant, and yours to automate.
        </p>
        <div className="mt-8 flex justify-center gap-3">
          <ButtonLink href="/sign-up">Create your organization</ButtonLink>
          <ButtonLink href="/sign-in" variant="secondary">
            Sign in
          </ButtonLink>
        </div>
      </section>
      <section
        aria-label="Features"
        className="mx-auto grid max-w-5xl gap-4 px-6 pb-20 sm:grid-cols-2"
      >
        {features.map(([title, text]) => (
          <div key={title} className="rounded-lg border border-slate-200 bg-white p-5">
            <h2 className="font-semibold text-slate-900">{title}</h2>
            <p className="mt-1 text-sm text-slate-700">{text}</p>
          </div>
        ))}
      </section>
      <footer className="border-t border-slate-200 py-6 text-center text-sm text-slate-600">
        Patronus · <Link href="/sign-in">Sign in</Link>
      </footer>
    </main>
  );
}
