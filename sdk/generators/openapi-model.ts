// The OpenAPI document as the SDK generators see it: operations (method, path, parameters,
// body, response) and named types. Inline schemas get stable names from the operationId and
// their role (site.list's answer → SiteListResponse, its items → SiteListResponseItem), so
// a route added elsewhere never renames an existing type. Operations are sorted by
// operationId and types listed in the order they are met: the same document gives the same
// model, hence byte-identical SDKs.
import { pascal, singular, unique, wordsOf } from "./naming";

export type TypeRef =
  | { kind: "string" | "datetime" | "number" | "boolean" | "any" }
  | { kind: "integer"; wide: boolean }
  | { kind: "array"; items: TypeRef }
  | { kind: "map"; values: TypeRef }
  | { kind: "named"; name: string[] }
  | { kind: "union"; variants: TypeRef[] }
  | { kind: "nullable"; inner: TypeRef };

export interface Field {
  json: string;
  type: TypeRef;
  required: boolean;
  description?: string;
}

export type NamedType =
  | { kind: "object"; name: string[]; description?: string; fields: Field[] }
  | {
      kind: "enum";
      name: string[];
      description?: string;
      base: "string" | "integer" | "number";
      values: (string | number)[];
    };

export interface Param {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  type: TypeRef;
  description?: string;
}

export interface Operation {
  id: string;
  words: string[];
  method: string;
  path: string;
  tag?: string;
  summary?: string;
  params: Param[];
  body?: { type: TypeRef; required: boolean };
  /** Absent when the answer has no content (204). */
  response?: TypeRef;
  /** A list with `cursor` whose answer is `{items, next}`: the item type. */
  page?: { item: TypeRef; itemsRequired: boolean; nextRequired: boolean };
}

export interface Model {
  title: string;
  version: string;
  /** The servers' base path, "/api/v1". */
  basePath: string;
  operations: Operation[];
  types: NamedType[];
}

/**
 * Names the SDKs' hand-written code (and Python's typing imports) already use: a schema
 * named like one of them gets a numeric suffix instead of shadowing it.
 */
const RESERVED = (
  "Client Response Option CallOption Pager Model Codec APIError FieldError TransportError " +
  "PatronusError ValidationError UnauthorizedError ForbiddenError NotFoundError ConflictError " +
  "PreconditionFailedError RateLimitedError ServerError Operations Any Dict List Literal " +
  "Optional Tuple Union ClassVar Mapping Iterator Datetime"
).split(" ");

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI schema is free-form JSON
type Schema = Record<string, any>;
const METHODS = ["get", "put", "post", "patch", "delete"];

export function buildModel(doc: Schema): Model {
  const types: NamedType[] = [];
  const taken = new Set<string>(RESERVED.map((n) => pascal(wordsOf(n))));
  const refs = new Map<string, string[]>();

  const resolve = (node: Schema): Schema => {
    let n = node;
    for (let hops = 0; typeof n?.$ref === "string" && hops < 16; hops++) {
      const parts = (n.$ref as string).replace(/^#\//, "").split("/");
      n = parts.reduce((at: Schema, p) => at?.[p.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
      if (!n) throw new Error(`unresolved $ref ${node.$ref}`);
    }
    return n;
  };

  // The component being named by the next declare: recorded before its fields are walked,
  // so a schema that refers to itself (a tree) meets its own name.
  let naming: string | undefined;
  const declare = (words: string[], make: (name: string[]) => NamedType): TypeRef => {
    const name = wordsOf(unique(pascal(words), taken));
    if (naming) refs.set(naming, name);
    naming = undefined;
    types.push(make(name));
    return { kind: "named", name };
  };

  const componentRef = (ref: string): TypeRef => {
    const known = refs.get(ref);
    if (known) return { kind: "named", name: known };
    const words = wordsOf(ref.split("/").at(-1) ?? "");
    const target = resolve({ $ref: ref });
    const direct = !target.anyOf && !target.oneOf && !target.allOf && !target.$ref;
    if (direct && (target.properties || target.enum || target.const !== undefined)) naming = ref;
    const t = typeOf(target, words);
    naming = undefined;
    if (t.kind === "named") refs.set(ref, t.name);
    return t;
  };

  const isNull = (s: Schema) =>
    s?.type === "null" || (s?.enum && s.enum.length === 1 && s.enum[0] === null);
  const isNever = (s: Schema) => s && typeof s.not === "object" && Object.keys(s.not).length === 0;

  function enumOf(values: unknown[], s: Schema, words: string[]): TypeRef {
    const kept = values.filter((v) => v !== null) as (string | number)[];
    const base = kept.every((v) => typeof v === "string")
      ? "string"
      : kept.every((v) => Number.isInteger(v))
        ? "integer"
        : "number";
    const t = declare(words, (name) => ({
      kind: "enum",
      name,
      description: s.description,
      base,
      values: kept,
    }));
    return kept.length < values.length ? { kind: "nullable", inner: t } : t;
  }

  function objectOf(s: Schema, words: string[]): TypeRef {
    const props = Object.entries((s.properties ?? {}) as Record<string, Schema>);
    const extra = s.additionalProperties;
    if (props.length === 0) {
      const values = extra && typeof extra === "object" ? typeOf(extra, [...words, "value"]) : null;
      return { kind: "map", values: values ?? { kind: "any" } };
    }
    const required = new Set<string>(s.required ?? []);
    // Declared before its fields so a parent precedes its children in the output.
    const fields: Field[] = [];
    const t = declare(words, (name) => ({
      kind: "object",
      name,
      description: s.description,
      fields,
    }));
    for (const [json, prop] of props) {
      const type = typeOf(prop, [...words, ...wordsOf(json)]);
      const description = (prop.description ?? resolve(prop).description) as string | undefined;
      fields.push({ json, type, required: required.has(json), description });
    }
    return t;
  }

  function unionOf(variants: Schema[], s: Schema, words: string[]): TypeRef {
    const live = variants.filter((v) => !isNever(v));
    const nullable = live.some(isNull);
    const rest = live.filter((v) => !isNull(v));
    let t: TypeRef;
    const asEnum = rest.map(resolve);
    if (rest.length === 0) t = { kind: "any" };
    else if (rest.length === 1)
      t = typeOf({ ...s, anyOf: undefined, oneOf: undefined, ...rest[0] }, words);
    else if (asEnum.every((v) => v.const !== undefined || Array.isArray(v.enum)))
      t = enumOf(
        asEnum.flatMap((v) => (v.const !== undefined ? [v.const] : v.enum)),
        s,
        words,
      );
    else
      t = {
        kind: "union",
        variants: rest.map((v, i) => typeOf(v, [...words, "variant", String(i + 1)])),
      };
    return nullable && t.kind !== "nullable" ? { kind: "nullable", inner: t } : t;
  }

  function typeOf(node: Schema | boolean | undefined, words: string[]): TypeRef {
    if (node === undefined || node === true || node === false) return { kind: "any" };
    if (typeof node.$ref === "string") {
      const ref = node.$ref as string;
      const t = ref.startsWith("#/components/schemas/")
        ? componentRef(ref)
        : typeOf(resolve(node), words);
      return node.nullable === true ? { kind: "nullable", inner: t } : t;
    }
    const s = node;
    if (s.nullable === true)
      return { kind: "nullable", inner: typeOf({ ...s, nullable: false }, words) };
    if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf))
      return unionOf(s.anyOf ?? s.oneOf, s, words);
    if (Array.isArray(s.allOf)) {
      const parts = (s.allOf as Schema[]).map(resolve);
      const merged: Schema = {
        ...s,
        allOf: undefined,
        type: "object",
        properties: {},
        required: [],
      };
      for (const p of parts) {
        Object.assign(merged.properties, p.properties ?? {});
        merged.required.push(...(p.required ?? []));
      }
      if (parts.length === 1)
        return typeOf({ ...s, allOf: undefined, ...(s.allOf[0] as Schema) }, words);
      return objectOf(merged, words);
    }
    if (s.const !== undefined) return enumOf([s.const], s, words);
    if (Array.isArray(s.enum)) return enumOf(s.enum, s, words);
    if (Array.isArray(s.type)) {
      const kinds = (s.type as string[]).filter((k) => k !== "null");
      const inner =
        kinds.length === 1
          ? typeOf({ ...s, type: kinds[0] }, words)
          : {
              kind: "union" as const,
              variants: kinds.map((k) => typeOf({ ...s, type: k }, words)),
            };
      return kinds.length < s.type.length ? { kind: "nullable", inner } : inner;
    }
    if (isNever(s)) return { kind: "any" };
    switch (s.type) {
      case "string":
        return { kind: s.format === "date-time" ? "datetime" : "string" };
      case "integer": {
        const big = 2 ** 31;
        const wide =
          s.format === "int64" ||
          (typeof s.maximum === "number" && s.maximum >= big) ||
          (typeof s.minimum === "number" && s.minimum < -big);
        return { kind: "integer", wide };
      }
      case "number":
        return { kind: "number" };
      case "boolean":
        return { kind: "boolean" };
      case "null":
        return { kind: "nullable", inner: { kind: "any" } };
      case "array":
        return { kind: "array", items: typeOf(s.items, singular(words)) };
      case "object":
        return objectOf(s, words);
      default:
        return s.properties ? objectOf(s, words) : { kind: "any" };
    }
  }

  const jsonOf = (content: Schema | undefined) => {
    if (!content) return undefined;
    const key = Object.keys(content).find((k) => /^application\/([\w.+-]+\+)?json/.test(k));
    return key ? (content[key] as Schema) : undefined;
  };

  const operations: Operation[] = [];
  const entries: [string, string, Schema, Schema][] = [];
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Schema>))
    for (const method of METHODS)
      if (item[method]) entries.push([path, method, item[method], item]);
  entries.sort((a, b) => opId(a).localeCompare(opId(b)));

  for (const [path, method, op, item] of entries) {
    const id = opId([path, method, op, item]);
    const words = wordsOf(id);
    const params: Param[] = [];
    for (const raw of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
      const p = resolve(raw);
      if (!["path", "query", "header"].includes(p.in)) continue;
      const at = params.findIndex((q) => q.name === p.name && q.in === p.in);
      const param: Param = {
        name: p.name,
        in: p.in,
        required: p.in === "path" || p.required === true,
        type: typeOf(p.schema, [...words, ...wordsOf(p.name)]),
        description: p.description,
      };
      if (at >= 0) params[at] = param;
      else params.push(param);
    }
    const bodyNode = op.requestBody ? resolve(op.requestBody) : undefined;
    const bodyMedia = jsonOf(bodyNode?.content);
    const body = bodyMedia
      ? {
          type: typeOf(bodyMedia.schema, [...words, "request"]),
          required: bodyNode?.required === true,
        }
      : undefined;
    const okStatus = Object.keys(op.responses ?? {})
      .filter((c) => /^2\d\d$/.test(c))
      .sort()[0];
    const okNode = okStatus ? resolve(op.responses[okStatus]) : undefined;
    const okMedia = okStatus === "204" ? undefined : jsonOf(okNode?.content);
    const response = voidish(okMedia?.schema)
      ? undefined
      : typeOf(okMedia?.schema, [...words, "response"]);
    operations.push({
      id,
      words,
      method: method.toUpperCase(),
      path,
      tag: op.tags?.[0],
      summary: op.summary ?? op.description,
      params,
      body,
      response,
      page: pageOf(response, params, types),
    });
  }

  const schemas = Object.keys(doc.components?.schemas ?? {}).sort();
  for (const key of schemas) componentRef(`#/components/schemas/${key}`);

  const server = (doc.servers?.[0]?.url as string | undefined) ?? "";
  return {
    title: doc.info?.title ?? "API",
    version: doc.info?.version ?? "0",
    basePath: server.replace(/^[a-z]+:\/\/[^/]+/i, "").replace(/\/$/, ""),
    operations,
    types,
  };
}

function opId([path, method, op]: [string, string, Schema, Schema]): string {
  return (op.operationId as string | undefined) ?? `${method} ${path}`;
}

/** An answer schema that admits nothing (oRPC's z.void(): anyOf of two `not: {}`). */
function voidish(s: Schema | undefined): boolean {
  if (!s) return true;
  const never = (x: Schema) => x && typeof x.not === "object" && Object.keys(x.not).length === 0;
  if (never(s)) return true;
  const variants = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  return Array.isArray(variants) && variants.length > 0 && variants.every(never);
}

function pageOf(
  response: TypeRef | undefined,
  params: Param[],
  types: NamedType[],
): Operation["page"] {
  if (response?.kind !== "named" || !params.some((p) => p.in === "query" && p.name === "cursor"))
    return undefined;
  const key = pascal(response.name);
  const t = types.find((x) => pascal(x.name) === key);
  if (t?.kind !== "object") return undefined;
  const items = t.fields.find((f) => f.json === "items");
  const next = t.fields.find((f) => f.json === "next");
  if (!items || !next || items.type.kind !== "array") return undefined;
  return { item: items.type.items, itemsRequired: items.required, nextRequired: next.required };
}

/** The named type `ref` points at. */
export function namedType(model: Model, ref: TypeRef): NamedType | undefined {
  if (ref.kind !== "named") return undefined;
  const key = pascal(ref.name);
  return model.types.find((t) => pascal(t.name) === key);
}
