import { badImage } from "../image-error";
import { ATTRIBUTES, ELEMENTS, LOCAL_REF, unsafeCss, XLINK_NS } from "./allowlist";
import { parseSvg, type SvgElement, type SvgNode } from "./parse";
import { serialiseSvg } from "./serialise";

export interface SanitisedSvg {
  /** The re-serialised document: exactly what was checked, nothing of the original text. */
  bytes: Uint8Array;
  width: number;
  height: number;
  /** What was dropped, e.g. "<script>", "onload on <svg>" (for logs and messages). */
  removed: string[];
}

// Scheme-like text anywhere in a value (after dropping whitespace and controls, which
// browsers skip inside schemes): never needed by a drawing.
const SCHEME = /(?:javascript|vbscript|data|file|https?):/i;

function cleanAttrs(el: SvgElement, removed: string[]) {
  el.attrs = el.attrs.filter(([name, value]) => {
    const drop = (why: string) => {
      removed.push(`${name} on <${el.name}> (${why})`);
      return false;
    };
    if (name === "xmlns" || name === "xmlns:xlink") return false; // written by the serialiser
    if (!ATTRIBUTES.has(name)) return drop("not allowed");
    if (name === "href" || name === "xlink:href")
      return LOCAL_REF.test(value.trim()) || drop("points outside the document");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers skip them in schemes
    if (SCHEME.test(value.replace(/[\s\u0000-\u001f]/g, ""))) return drop("a URL scheme");
    const css = unsafeCss(value);
    return css === null || drop(css);
  });
}

function clean(el: SvgElement, removed: string[]) {
  cleanAttrs(el, removed);
  el.children = el.children.filter((child: SvgNode) => {
    if (child.kind === "text") return el.name !== "svg" || child.text.trim() !== "";
    if (!ELEMENTS.has(child.name)) {
      removed.push(`<${child.name}>`);
      return false;
    }
    if (child.name === "style") {
      const text = child.children.every((c) => c.kind === "text")
        ? child.children.map((c) => (c.kind === "text" ? c.text : "")).join("")
        : null;
      const why = text === null ? "markup inside <style>" : unsafeCss(text);
      if (why) {
        removed.push(`<style> (${why})`);
        return false;
      }
    }
    clean(child, removed);
    return true;
  });
}

const LENGTH = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(px)?\s*$/i;

function sizeOf(svg: SvgElement) {
  const attr = (n: string) => svg.attrs.find(([k]) => k === n)?.[1];
  const w = LENGTH.exec(attr("width") ?? "")?.[1];
  const h = LENGTH.exec(attr("height") ?? "")?.[1];
  if (w && h) return { width: Number(w), height: Number(h) };
  const box = (attr("viewBox") ?? "")
    .trim()
    .split(/[\s,]+/)
    .map(Number);
  if (box.length === 4 && box.every(Number.isFinite)) return { width: box[2]!, height: box[3]! };
  throw badImage("The SVG file has no size: give it width and height in pixels, or a viewBox");
}

/**
 * Parses (refusing what XML makes ambiguous or dangerous: DOCTYPE, entities, CDATA,
 * processing instructions), drops everything outside the allowlist, and re-serialises.
 */
export function sanitiseSvg(bytes: Uint8Array): SanitisedSvg {
  const svg = parseSvg(bytes);
  const removed: string[] = [];
  clean(svg, removed);
  const { width, height } = sizeOf(svg);
  if (!(width > 0 && height > 0 && width <= 1e6 && height <= 1e6))
    throw badImage(`The SVG file's size is not usable (${width}x${height})`);
  const usesXlink = JSON.stringify(svg).includes('"xlink:href"');
  return {
    bytes: new TextEncoder().encode(serialiseSvg(svg, usesXlink ? XLINK_NS : null)),
    width: Math.ceil(width),
    height: Math.ceil(height),
    removed,
  };
}
