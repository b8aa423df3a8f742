// Applies a diff's changes, in order, to a value: the inverse of diffJson (used by its
// tests to prove a diff says everything that changed, and nothing else).
import { isObject } from "./json-values";
import type { Change, Json, Segment } from "./types";

export function applyChanges(before: Json, changes: readonly Change[]): Json {
  let root = structuredClone(before);
  for (const c of changes) {
    if (c.path.length === 0) {
      if (c.op === "changed") root = structuredClone(c.after);
      else if (c.op === "reordered") reorder(root as Json[], c.key, c.after);
      continue;
    }
    const parent = resolve(root, c.path.slice(0, -1));
    const last = c.path.at(-1) as Segment;
    if (Array.isArray(parent)) applyInArray(parent, last, c);
    else if (isObject(parent) && typeof last === "string") applyInObject(parent, last, c);
    else throw new Error(`no container at ${JSON.stringify(c.path)}`);
  }
  return root;
}

function indexIn(list: Json[], seg: Segment) {
  if (typeof seg === "number") return seg;
  if (typeof seg === "string") throw new Error(`a key (${seg}) into an array`);
  return list.findIndex((el) => isObject(el) && el[seg.key] === seg.id);
}

function resolve(root: Json, path: readonly Segment[]): Json {
  let at = root;
  for (const seg of path) {
    if (Array.isArray(at)) at = at[indexIn(at, seg)] as Json;
    else if (isObject(at) && typeof seg === "string") at = at[seg] as Json;
    else throw new Error(`no value at ${JSON.stringify(path)}`);
  }
  return at;
}

function applyInArray(list: Json[], seg: Segment, c: Change) {
  if (c.op === "added") {
    list.splice(c.at ?? (seg as number), 0, structuredClone(c.after));
  } else if (c.op === "removed") {
    list.splice(indexIn(list, seg), 1);
  } else if (c.op === "changed") {
    list[indexIn(list, seg)] = structuredClone(c.after);
  } else {
    reorder(list[indexIn(list, seg)] as Json[], c.key, c.after);
  }
}

function applyInObject(obj: { [k: string]: Json }, key: string, c: Change) {
  if (c.op === "added" || c.op === "changed") obj[key] = structuredClone(c.after);
  else if (c.op === "removed") delete obj[key];
  else reorder(obj[key] as Json[], c.key, c.after);
}

/** Puts the array's elements in the order of their `key` field's values `ids`, in place. */
function reorder(list: Json[], key: string, ids: readonly (string | number)[]) {
  const byId = new Map(list.map((el) => [(el as { [k: string]: Json })[key], el]));
  list.splice(0, list.length, ...ids.map((id) => byId.get(id) as Json));
}
