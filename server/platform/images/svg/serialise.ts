import { SVG_NS } from "./allowlist";
import type { SvgElement, SvgNode } from "./parse";

const escapeText = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escapeAttr = (s: string) =>
  escapeText(s)
    .replace(/"/g, "&quot;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");

function write(node: SvgNode, out: string[]) {
  if (node.kind === "text") {
    out.push(escapeText(node.text));
    return;
  }
  out.push(`<${node.name}`);
  for (const [name, value] of node.attrs) out.push(` ${name}="${escapeAttr(value)}"`);
  if (node.children.length === 0) {
    out.push("/>");
    return;
  }
  out.push(">");
  for (const child of node.children) write(child, out);
  out.push(`</${node.name}>`);
}

/** The tree as XML, with the SVG namespace (and xlink's when used) declared on the root. */
export function serialiseSvg(svg: SvgElement, xlinkNs: string | null): string {
  const ns: [string, string][] = [["xmlns", SVG_NS]];
  if (xlinkNs) ns.push(["xmlns:xlink", xlinkNs]);
  const out: string[] = [];
  write({ ...svg, attrs: [...ns, ...svg.attrs] }, out);
  return out.join("");
}
