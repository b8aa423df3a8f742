// What a sanitised SVG may contain: static vector drawing only. Anything not listed is
// dropped: scripts, foreignObject, iframes, images, links, animation (which can rewrite
// an href), event handlers, and every prefixed name but xlink:href and xml:*.

export const SVG_NS = "http://www.w3.org/2000/svg";
export const XLINK_NS = "http://www.w3.org/1999/xlink";

export const ELEMENTS = new Set(
  [
    "svg g defs title desc symbol use path rect circle ellipse line polyline polygon",
    "text tspan textPath linearGradient radialGradient stop clipPath mask pattern marker",
    "style filter feBlend feColorMatrix feComponentTransfer feComposite feDropShadow feFlood",
    "feFuncA feFuncB feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset",
  ]
    .join(" ")
    .split(" "),
);

export const ATTRIBUTES = new Set(
  [
    "id class style transform x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d points",
    "viewBox preserveAspectRatio version lang xml:lang xml:space role aria-label aria-hidden",
    "fill fill-opacity fill-rule stroke stroke-width stroke-opacity stroke-linecap",
    "stroke-linejoin stroke-miterlimit stroke-dasharray stroke-dashoffset opacity color",
    "display visibility overflow clip-path clip-rule mask filter vector-effect paint-order",
    "shape-rendering text-rendering image-rendering color-interpolation",
    "color-interpolation-filters mix-blend-mode isolation pathLength",
    "font-family font-size font-weight font-style font-variant font-stretch text-anchor",
    "dominant-baseline alignment-baseline baseline-shift letter-spacing word-spacing",
    "text-decoration textLength lengthAdjust rotate startOffset method spacing dx dy",
    "offset stop-color stop-opacity gradientUnits gradientTransform spreadMethod",
    "patternUnits patternContentUnits patternTransform clipPathUnits maskUnits",
    "maskContentUnits filterUnits primitiveUnits in in2 result stdDeviation mode operator",
    "k1 k2 k3 k4 values type tableValues slope intercept amplitude exponent radius",
    "flood-color flood-opacity lighting-color marker-start marker-mid marker-end",
    "markerWidth markerHeight markerUnits refX refY orient href xlink:href",
  ]
    .join(" ")
    .split(" "),
);

/** A reference inside the document: "#id". */
export const LOCAL_REF = /^#[A-Za-z_][A-Za-z0-9_.:-]*$/;

/** url(#id), url('#id') or url("#id"): the only url() kept. */
const LOCAL_URL = /^url\(\s*(["']?)#[A-Za-z_][A-Za-z0-9_.:-]*\1\s*\)$/i;

/**
 * Why a CSS text (a style attribute, a presentation attribute, a <style> element) is
 * dropped, or null when it is safe: every url() points inside the document, no @import,
 * no escapes (which could spell any of these), no script-capable legacy CSS.
 */
export function unsafeCss(css: string): string | null {
  if (css.includes("\\")) return "a CSS escape";
  if (/@import/i.test(css)) return "@import";
  if (/expression\s*\(|-moz-binding|behavior\s*:|javascript:|vbscript:/i.test(css))
    return "script in CSS";
  // A URL written anywhere (even in a function CSS does not know) is not needed by a drawing.
  if (/[a-z0-9+.-]+:\/\/|\/\/|(?:data|file|https?):/i.test(css)) return "a URL";
  if (/image-set\s*\(|cross-fade\s*\(|element\s*\(|src\s*\(/i.test(css)) return "an external image";
  for (const m of css.matchAll(/url\s*\(/gi)) {
    const close = css.indexOf(")", m.index);
    if (close < 0 || !LOCAL_URL.test(css.slice(m.index, close + 1).replace(/^url\s*/i, "url")))
      return "a url() outside the document";
  }
  return null;
}
