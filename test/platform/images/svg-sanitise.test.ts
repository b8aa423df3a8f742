import { describe, expect, it } from "vitest";
import { AppError } from "../../../server/platform/errors";
import { sanitiseSvg, validateImage } from "../../../server/platform/images";
import { HOSTILE } from "../../../testkit/hostile-text";
import { REFUSED, SANITISED } from "./svg-corpus";

const bytes = (s: string | Buffer) => (typeof s === "string" ? Buffer.from(s) : s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** What must never be in a stored SVG, checked on the text (not with the sanitiser's lists). */
function expectSafe(out: string) {
  expect(out).not.toMatch(/<\s*[\w:]*script/i);
  expect(out).not.toMatch(
    /<[\w:]*(foreignObject|iframe|image|feImage|a|animate|set|handler|metadata)[\s/>]/i,
  );
  expect(out).not.toMatch(/\son[a-z]+\s*=/i);
  expect(out).not.toMatch(/<!|<\?|CDATA/i);
  expect(out).not.toMatch(/@import|expression\s*\(|behavior|image-set|xml:base|\\/i);
  // Where a URL could be fetched or run: attribute values (but the root's namespaces) and
  // <style> text. Text content is only ever text.
  const values = [
    ...[...out.matchAll(/<[^<>]*>/g)]
      .flatMap((tag) => [...tag[0].matchAll(/\s([\w:-]+)="([^"]*)"/g)])
      .filter((m) => !m[1]!.startsWith("xmlns")),
    ...out.matchAll(/<style>([^<]*)<\/style>/g),
  ].map((m) => m[m.length - 1]!.replace(/&#(9|10|13);|\s/g, ""));
  for (const v of values)
    expect(v, out).not.toMatch(/javascript:|vbscript:|data:|https?:|\/\/evil/i);
  for (const m of out.matchAll(/<[^<>]*\s(?:xlink:)?href="([^"]*)"/g))
    expect(m[1]).toMatch(/^\s*#/);
  for (const m of out.matchAll(/url\(([^)]*)\)/gi)) expect(m[1]).toMatch(/^\s*(&quot;|['"])?#/);
  expect(out.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
}

function outcome(input: Uint8Array): "refused" | string {
  try {
    return text(sanitiseSvg(input).bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("BAD_REQUEST");
    expect((error as AppError).message).toMatch(/^The SVG file/);
    return "refused";
  }
}

describe("the SVG sanitiser", () => {
  it.each(Object.entries(REFUSED))("refuses %s", (_name, svg) => {
    expect(outcome(bytes(svg))).toBe("refused");
  });

  it.each(Object.entries(SANITISED))("removes the payload of %s", (_name, svg) => {
    const out = outcome(bytes(svg));
    expect(out).not.toBe("refused");
    expectSafe(out);
    // Stored is exactly what was checked: sanitising the output changes nothing.
    expect(text(sanitiseSvg(bytes(out)).bytes)).toBe(out);
  });

  it("keeps a harmless drawing as drawn, and says what it dropped", () => {
    const out = sanitiseSvg(bytes(SANITISED["keeps a drawing"]!));
    expect(text(out.bytes)).toContain('fill="url(#g)"');
    expect(text(out.bytes)).toContain('<use href="#g"/>');
    expect(text(out.bytes)).toContain("<style>rect{fill:red}</style>");
    expect(out.removed).toEqual([]);
    expect(sanitiseSvg(bytes(SANITISED.onload!)).removed).toEqual([
      "onload on <svg> (not allowed)",
    ]);
    expect(text(sanitiseSvg(bytes(SANITISED["escaped text stays text"]!)).bytes)).toContain(
      "<text>&lt;script&gt;alert(1)&lt;/script&gt;</text>",
    );
  });

  it("refuses or safely keeps the shared hostile strings, in text and in attributes", () => {
    for (const [name, hostile] of Object.entries(HOSTILE)) {
      for (const svg of [
        `<svg viewBox="0 0 1 1"><title>${hostile}</title></svg>`,
        `<svg viewBox="0 0 1 1" aria-label="${hostile}"/>`,
      ]) {
        const out = outcome(bytes(svg));
        if (out !== "refused") expectSafe(out);
        // (A lone surrogate cannot be written in UTF-8: it arrives as U+FFFD, which is text.)
        const notXml = [...hostile].some(
          (c) => c.charCodeAt(0) < 9 || c === "\u001b" || c === "\uffff",
        );
        if (notXml) expect(out, name).toBe("refused");
      }
    }
  });

  it("survives random mutations of the corpus: a safe SVG or the clear error, nothing else", () => {
    const pieces = [
      "<",
      ">",
      "&",
      '"',
      "'",
      "/",
      "=",
      "\\",
      "<!DOCTYPE svg>",
      "<![CDATA[",
      "<?x?>",
      ' onload="alert(1)"',
      "javascript:",
      "url(",
      ")",
      "&#",
      ";",
      "<script>",
      "</g>",
      "<g>",
      ' href="#a"',
      "\u0000",
      "\ud800",
      "é",
      "-->",
      "<!--",
      "@import",
      "xlink:",
      "svg",
    ];
    let seed = 42;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    const sources = [...Object.values(SANITISED), ...Object.values(REFUSED)].map((v) =>
      typeof v === "string" ? v : v.toString("latin1"),
    );
    let kept = 0;
    for (let n = 0; n < 4000; n++) {
      let s = sources[rand(sources.length)]!;
      for (let k = 0; k <= rand(3); k++) {
        const at = rand(s.length + 1);
        const op = rand(3);
        if (op === 0) s = s.slice(0, at) + pieces[rand(pieces.length)] + s.slice(at);
        else if (op === 1) s = s.slice(0, at) + s.slice(at + 1 + rand(8));
        else s = s.slice(0, at) + s.slice(rand(s.length), rand(s.length)) + s.slice(at);
      }
      const out = outcome(bytes(s));
      if (out !== "refused") {
        kept++;
        expectSafe(out);
        expect(text(sanitiseSvg(bytes(out)).bytes)).toBe(out);
      }
    }
    expect(kept).toBeGreaterThan(100); // the mutations did reach the sanitiser's output
  });

  it("stores the sanitised bytes, not the upload", () => {
    const image = validateImage("logo", bytes(SANITISED.script!));
    expect(image.contentType).toBe("image/svg+xml");
    expect(text(image.bytes)).not.toContain("script");
  });
});
