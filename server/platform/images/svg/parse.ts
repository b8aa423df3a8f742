import { badImage } from "../image-error";

/** The SVG as a tree: elements with attributes in source order, and text. */
export interface SvgElement {
  kind: "element";
  name: string;
  attrs: [string, string][];
  children: SvgNode[];
}
export type SvgNode = SvgElement | { kind: "text"; text: string };

const LIMITS = { depth: 64, nodes: 20_000, attrs: 100 };
const NAME = /[A-Za-z_][A-Za-z0-9_.:-]*/y;
const SPACE = /[ \t\r\n]*/y;
/** XML 1.0's characters: a control character (but tab, LF, CR), U+FFFE/FFFF or a lone surrogate is not XML. */
function notXml(s: string) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
    if (c === 0xfffe || c === 0xffff) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

const refuse = (why: string) => badImage(`The SVG file was refused: ${why}`);

/** Replaces XML's five named entities and character references; anything else is refused. */
function decodeEntities(s: string) {
  return s.replace(/&([^;&\s]{0,32});?/g, (all, ref: string) => {
    if (!all.endsWith(";")) throw refuse("it has a bare '&' (not well-formed XML)");
    if (ref in PREDEFINED) return PREDEFINED[ref]!;
    const m = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(ref);
    if (!m) throw refuse(`it uses the entity &${ref}; (only XML's five are allowed)`);
    const code = m[1] ? Number.parseInt(m[1], 16) : Number(m[2]);
    const char = code <= 0x10ffff ? String.fromCodePoint(code) : "\uFFFF";
    if (notXml(char) || (code >= 0xd800 && code <= 0xdfff))
      throw refuse(`it references a character XML does not allow (&${ref};)`);
    return char;
  });
}

/**
 * A strict, small XML parser for SVG files: well-formed XML without DOCTYPE, entity
 * declarations, CDATA or processing instructions (the XML declaration at the very start
 * is allowed and dropped); comments are dropped. Anything else is refused with a reason.
 */
export function parseSvg(bytes: Uint8Array): SvgElement {
  let src: string;
  try {
    src = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw refuse("it is not valid UTF-8 text");
  }
  src = src.replace(/^\uFEFF/, "");
  if (notXml(src)) throw refuse("it contains characters XML does not allow");
  let i = 0;
  const decl = /^<\?xml(?:\s[^<>?]*)?\?>/.exec(src);
  if (decl) i = decl[0].length;

  const root: SvgElement = { kind: "element", name: "#document", attrs: [], children: [] };
  const stack: SvgElement[] = [root];
  let nodes = 0;

  const name = () => {
    NAME.lastIndex = i;
    const m = NAME.exec(src);
    if (!m) throw refuse(`it is not well-formed XML (at character ${i})`);
    i = NAME.lastIndex;
    return m[0];
  };
  const space = () => {
    SPACE.lastIndex = i;
    SPACE.exec(src);
    const moved = SPACE.lastIndex > i;
    i = SPACE.lastIndex;
    return moved;
  };

  while (i < src.length) {
    const top = stack[stack.length - 1]!;
    if (++nodes > LIMITS.nodes) throw refuse(`it has more than ${LIMITS.nodes} nodes`);
    if (src[i] !== "<") {
      const end = src.indexOf("<", i);
      const raw = src.slice(i, end < 0 ? src.length : end);
      i = end < 0 ? src.length : end;
      if (raw.includes("]]>")) throw refuse("it is not well-formed XML (']]>' in text)");
      const text = decodeEntities(raw);
      if (top === root) {
        if (text.trim()) throw refuse("it has text outside the <svg> element");
      } else top.children.push({ kind: "text", text });
      continue;
    }
    if (src.startsWith("<!--", i)) {
      const end = src.indexOf("-->", i + 4);
      if (end < 0) throw refuse("it has an unterminated comment");
      if (src.slice(i + 4, end).includes("--")) throw refuse("it has '--' inside a comment");
      i = end + 3;
      continue;
    }
    if (src.startsWith("<![CDATA[", i)) throw refuse("it contains a CDATA section");
    if (/^<!DOCTYPE/i.test(src.slice(i, i + 9))) throw refuse("it contains a DOCTYPE declaration");
    if (/^<!ENTITY/i.test(src.slice(i, i + 8))) throw refuse("it declares an entity");
    if (src.startsWith("<!", i)) throw refuse("it contains a markup declaration ('<!')");
    if (src.startsWith("<?", i)) throw refuse("it contains a processing instruction");
    if (src.startsWith("</", i)) {
      i += 2;
      const closing = name();
      space();
      if (src[i] !== ">") throw refuse(`it is not well-formed XML (at character ${i})`);
      i++;
      if (top === root || top.name !== closing)
        throw refuse(
          `it closes <${closing}> where ${top === root ? "nothing" : `<${top.name}>`} is open`,
        );
      stack.pop();
      continue;
    }
    i++;
    const element: SvgElement = { kind: "element", name: name(), attrs: [], children: [] };
    if (top === root && (root.children.length > 0 || element.name !== "svg"))
      throw refuse("its document must be one <svg> element");
    for (;;) {
      const spaced = space();
      if (src.startsWith("/>", i) || src[i] === ">") break;
      if (!spaced) throw refuse(`it is not well-formed XML (at character ${i})`);
      const attr = name();
      space();
      if (src[i] !== "=") throw refuse(`its attribute ${attr} has no value`);
      i++;
      space();
      const quote = src[i];
      if (quote !== '"' && quote !== "'") throw refuse(`its attribute ${attr} is not quoted`);
      const end = src.indexOf(quote, i + 1);
      if (end < 0) throw refuse(`its attribute ${attr} is not terminated`);
      const raw = src.slice(i + 1, end);
      if (raw.includes("<")) throw refuse(`its attribute ${attr} contains '<'`);
      i = end + 1;
      if (element.attrs.some(([n]) => n === attr)) throw refuse(`it repeats the attribute ${attr}`);
      if (element.attrs.length >= LIMITS.attrs)
        throw refuse(`an element has more than ${LIMITS.attrs} attributes`);
      // Attribute-value normalisation (XML 1.0 3.3.3): literal whitespace becomes a space.
      element.attrs.push([attr, decodeEntities(raw.replace(/[\t\r\n]/g, " "))]);
    }
    top.children.push(element);
    if (src[i] === ">") {
      if (stack.length > LIMITS.depth) throw refuse(`it nests deeper than ${LIMITS.depth} levels`);
      stack.push(element);
      i++;
    } else i += 2;
  }
  if (stack.length > 1) throw refuse(`it ends before <${stack[stack.length - 1]!.name}> is closed`);
  const svg = root.children[0];
  if (svg?.kind !== "element") throw refuse("it has no <svg> element");
  return svg;
}
