export default function EmbedNotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-2 px-4 text-center">
      <h1 className="text-xl font-semibold">This dashboard link is not valid</h1>
      <p className="max-w-md text-slate-700">
        It has expired, was revoked when its organization rotated its embed key, or was changed or
        cut short. Ask the organization for a new link.
      </p>
    </main>
  );
}
