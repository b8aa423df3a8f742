// Pure diffs of JSON values (no I/O): the audit log's before/after and the rollouts'
// config and intent diffs. docs/diffs.md describes what a change is.
export { applyChanges } from "./apply-changes";
export { diffJson, IDENTITY_KEYS } from "./diff-json";
export { countChanges, excerptPair, formatValue, LONG_TEXT, pathLabel } from "./display";
export { HIDDEN, isObject, isSecretKey, jsonEqual } from "./json-values";
export type { Change, DiffOptions, ElementRef, Json, Path, Segment } from "./types";
