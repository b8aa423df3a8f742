import { shadesOf } from "@/server/api/shared";

const valid = (c: string) => /^#[0-9a-f]{6}$/i.test(c);

/**
 * A primary button, a link and a focus ring in the colours being chosen, on a light and a
 * dark ground. Fixed colours (style), not theme classes: the samples show each theme as it
 * will be, whichever theme the page itself is in.
 */
export function BrandPreview({ primary, accent }: { primary: string; accent: string }) {
  const p = valid(primary) ? primary : "#1d5fd6";
  const a = valid(accent) ? accent : "#1d5fd6";
  const shades = shadesOf(p);
  return (
    <section aria-label="Preview" className="grid gap-3 sm:grid-cols-2">
      <div
        className="space-y-2 rounded-md border border-slate-200 p-4"
        style={{ backgroundColor: "#ffffff", color: "#0f172a" }}
      >
        <span
          className="inline-block rounded-md px-3.5 py-2 text-sm font-medium"
          style={{ backgroundColor: p, color: "#ffffff" }}
        >
          Primary button
        </span>
        <p className="text-sm">
          A{" "}
          <span className="underline" style={{ color: p }}>
            link on white
          </span>{" "}
          and a{" "}
          <span className="rounded px-1" style={{ outline: `2px solid ${a}`, outlineOffset: 2 }}>
            focus ring
          </span>
          .
        </p>
      </div>
      <div
        className="space-y-2 rounded-md p-4 text-sm"
        style={{ backgroundColor: "#0f172a", color: "#f1f5f9" }}
      >
        <p>
          Dark mode:{" "}
          <span className="underline" style={{ color: shades[300] }}>
            a link
          </span>{" "}
          and a{" "}
          <span className="rounded px-1" style={{ outline: `2px solid ${a}`, outlineOffset: 2 }}>
            focus ring
          </span>
          .
        </p>
      </div>
    </section>
  );
}
