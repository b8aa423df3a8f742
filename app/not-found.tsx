import { Link } from "@/app/_components/link";

export default function NotFound() {
  return (
    <main
      id="main"
      className="flex min-h-screen flex-col items-center justify-center gap-3 px-4 text-center"
    >
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="text-slate-700">This page does not exist, or you do not have access to it.</p>
      <Link href="/orgs" className="text-brand-700 underline">
        Back to your organizations
      </Link>
    </main>
  );
}
