// Class 8 of the hardening issue, for the whole class: every string any tRPC procedure or
// fleet message takes is built from the one shared check (protocol/text.ts), so NUL bytes,
// unpaired surrogates, control characters and direction overrides are refused wherever
// they appear. test/architecture/import-rules.test.ts refuses a bare z.string(); this
// walks every input schema and tries each string leaf. Over HTTP (tRPC, REST, enrollment,
// better-auth): clean-strings.int.test.ts. Before the fix most leaves took all of these.
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import * as protocol from "../../protocol";
import { isCleanText } from "../../protocol/text";
import { appRouter } from "../../server/api/root";
import { HOSTILE } from "../../testkit/hostile-text";

const CLEAN = ["plain", "tab\tand\nnew line", "héllo 日本語 emoji 🎉", "العربية", "\u200fRLM"];

type Def = Record<string, unknown> & { type: string };
const defOf = (schema: unknown) => (schema as { _zod?: { def: Def } })._zod?.def;

/** Every string schema reachable from `schema`, with a path for the message. */
function stringLeaves(
  schema: unknown,
  path: string,
  seen = new Set<unknown>(),
): [string, z.ZodType][] {
  const def = defOf(schema);
  if (!def || seen.has(schema)) return [];
  seen.add(schema);
  const walk = (inner: unknown, sub: string) => stringLeaves(inner, sub, seen);
  switch (def.type) {
    case "string":
      return [[path, schema as z.ZodType]];
    case "object":
      return Object.entries(def.shape as Record<string, unknown>).flatMap(([k, v]) =>
        walk(v, `${path}.${k}`),
      );
    case "array":
      return walk(def.element, `${path}[]`);
    case "record":
      return [...walk(def.keyType, `${path}{key}`), ...walk(def.valueType, `${path}{}`)];
    case "tuple":
      return (def.items as unknown[]).flatMap((item, i) => walk(item, `${path}[${i}]`));
    case "union":
      return (def.options as unknown[]).flatMap((o, i) => walk(o, `${path}|${i}`));
    case "intersection":
      return [...walk(def.left, path), ...walk(def.right, path)];
    case "pipe":
      return [...walk(def.in, path), ...walk(def.out, path)];
    case "lazy":
      return walk((def.getter as () => unknown)(), path);
    default:
      return "innerType" in def ? walk(def.innerType, path) : [];
  }
}

function procedureLeaves() {
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { inputs: unknown[] } }
  >;
  return Object.entries(procedures).flatMap(([name, p]) =>
    p._def.inputs.flatMap((input) => stringLeaves(input, name)),
  );
}

function protocolLeaves() {
  return Object.entries(protocol)
    .filter(([name, value]) => name.startsWith("Z") && defOf(value))
    .flatMap(([name, schema]) => stringLeaves(schema, name));
}

describe("the shared text check", () => {
  it.each(Object.entries(HOSTILE))("refuses %s", (_name, value) => {
    expect(isCleanText(value)).toBe(false);
  });

  it.each(CLEAN)("takes %j", (value) => {
    expect(isCleanText(value)).toBe(true);
  });
});

describe.each([
  ["every tRPC procedure input", procedureLeaves],
  ["every fleet message", protocolLeaves],
])("%s", (_name, leaves) => {
  it("has string fields to check (the walk sees them)", () => {
    expect(leaves().length).toBeGreaterThan(20);
  });

  it.each(Object.entries(HOSTILE))("refuses %s in every string field", (_kind, value) => {
    const accepted = leaves()
      .filter(([, schema]) => schema.safeParse(value).success)
      .map(([path]) => path);
    expect(accepted).toEqual([]);
  });
});
