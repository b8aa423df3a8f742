import { scopeKeysOf } from "./tenant-models";

/**
 * Second isolation layer: refuse any query on a tenant-owned model that does not name
 * its scope (normally `orgId`). A forgotten filter fails loudly in development and tests
 * instead of silently relying on row-level security.
 */
export class TenantGuardError extends Error {
  constructor(model: string, operation: string) {
    super(`Tenant guard: ${model}.${operation} must be scoped by orgId`);
    this.name = "TenantGuardError";
  }
}

type Args = Record<string, unknown> | undefined;

function isScoped(obj: unknown, keys: readonly string[]): boolean {
  if (!obj || typeof obj !== "object") return false;
  // A compound unique key such as { orgId_revision: { orgId, revision } }.
  const compound = Object.entries(obj).some(
    ([name, value]) => name.includes("_") && isScoped(value, keys),
  );
  if (compound) return true;
  return keys.some((key) => {
    const value = (obj as Record<string, unknown>)[key];
    if (typeof value === "string") return value.length > 0;
    // { orgId: { in: [...] } } or { orgId: { equals: "..." } }
    return !!value && typeof value === "object" && ("in" in value || "equals" in value);
  });
}

export function assertTenantScoped(model: string | undefined, operation: string, args: Args) {
  if (!model) return;
  const scopeKeys = scopeKeysOf(model);
  if (!scopeKeys) return;
  let ok: boolean;
  if (operation.startsWith("create")) {
    const data = args?.data;
    // Rows are always created for an org, whatever else scopes their reads.
    ok = (Array.isArray(data) ? data : [data]).every((row) => isScoped(row, ["orgId"]));
  } else if (operation === "upsert") {
    ok = isScoped(args?.where, scopeKeys) && isScoped(args?.create, ["orgId"]);
  } else {
    ok = isScoped(args?.where, scopeKeys);
  }
  if (!ok) throw new TenantGuardError(model, operation);
}
