// The shape of a diff between two JSON values: a list of changes, each at a path. Pure
// types, shared with the browser through server/api/shared.ts.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** An array element matched by a stable field (`id`, `name`, …), with a name to show. */
export interface ElementRef {
  key: string;
  id: string | number;
  label?: string;
}

/**
 * A step into a value: an object key, an array position (in the array as it is when the
 * change is applied: changes apply in order), or an element found by its identity field.
 */
export type Segment = string | number | ElementRef;
export type Path = Segment[];

export type Change =
  /** `at`: the position a new element of an identity-matched array takes. */
  | { op: "added"; path: Path; after: Json; at?: number; redacted?: boolean }
  | { op: "removed"; path: Path; before: Json; redacted?: boolean }
  | { op: "changed"; path: Path; before: Json; after: Json; redacted?: boolean }
  /** The same elements in another order: their `key` field's values, before and after. */
  | {
      op: "reordered";
      path: Path;
      key: string;
      before: (string | number)[];
      after: (string | number)[];
    };

export interface DiffOptions {
  /** Hide the values of secret-looking fields (default true). */
  redact?: boolean;
  /** Fields that identify an array's elements, tried in order (default IDENTITY_KEYS). */
  identityKeys?: readonly string[];
}
