import { Card } from "./ui";

export function Forbidden({ what }: { what: string }) {
  return (
    <Card>
      <h1 className="text-lg font-semibold">No access</h1>
      <p className="mt-1 text-sm text-slate-700">
        Your role in this organization cannot see {what}.
      </p>
    </Card>
  );
}
