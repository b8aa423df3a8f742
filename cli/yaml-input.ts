// A YAML input file checked against a zod schema, failing with the file, line and column of
// the first problem and the field's path: `rules.yaml:7:15: rules[1].priority: …`.
import { isNode, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { InputError } from "./errors";

type Path = (string | number)[];

/** rules[1].ports.lo */
export function fieldName(path: readonly PropertyKey[]) {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`))
    .join("");
}

export function parseYamlFile<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
): z.output<S> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const where = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const syntax = doc.errors[0];
  if (syntax) throw new InputError(`${where(syntax.pos[0])}: ${syntax.message.split("\n")[0]}`);
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const unknown = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
  const path = unknown === undefined ? issue.path : [...issue.path, unknown];
  const message = /received undefined$/.test(issue.message) ? "missing (required)" : issue.message;
  // The node at fault, or its nearest ancestor present in the file (a missing field).
  let offset = 0;
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as Path, true);
    if (isNode(node) && node.range) {
      offset = node.range[0];
      break;
    }
  }
  const field = fieldName(issue.path);
  throw new InputError(`${where(offset)}: ${field ? `${field}: ` : ""}${message}`);
}
