import { describe, expect, it } from "vitest";
import { assertTenantScoped, TenantGuardError } from "./tenant-guard";

describe("tenant guard", () => {
  const ok = (model: string, op: string, args: Record<string, unknown>) =>
    expect(() => assertTenantScoped(model, op, args)).not.toThrow();
  const refused = (model: string, op: string, args: Record<string, unknown> | undefined) =>
    expect(() => assertTenantScoped(model, op, args)).toThrow(TenantGuardError);

  it("refuses tenant-owned reads and writes without orgId", () => {
    refused("AuditLog", "findMany", {});
    refused("AuditLog", "findMany", undefined);
    refused("AuditLog", "count", { where: { action: "x" } });
    refused("Membership", "update", { where: { id: "m1" }, data: { role: "admin" } });
    refused("Membership", "deleteMany", { where: { role: "viewer" } });
    refused("Invitation", "create", { data: { email: "a@b.c" } });
    refused("Invitation", "createMany", { data: [{ orgId: "o1" }, { email: "x" }] });
    refused("AuditLog", "findMany", { where: { orgId: "" } });
  });

  it("accepts queries that name their org (or the scope their RLS policy allows)", () => {
    ok("AuditLog", "findMany", { where: { orgId: "o1" } });
    ok("Membership", "findMany", { where: { orgId: { in: ["o1", "o2"] } } });
    ok("Membership", "findMany", { where: { userId: "u1" } });
    ok("Invitation", "findUnique", { where: { tokenHash: "abc" } });
    ok("Invitation", "create", { data: { orgId: "o1", email: "a@b.c" } });
    ok("Membership", "upsert", { where: { id: "m", orgId: "o" }, create: { orgId: "o" } });
  });

  it("does not let a non-org key scope a model whose policy does not allow it", () => {
    refused("AuditLog", "findMany", { where: { userId: "u1" } });
    refused("Membership", "create", { data: { userId: "u1" } });
  });

  it("ignores models that are global", () => {
    ok("User", "findMany", {});
    ok("Organization", "findMany", {});
  });

  it("guards a model it has never heard of (a new area's table): default deny", () => {
    refused("SampleNote", "findMany", {});
    ok("SampleNote", "findMany", { where: { orgId: "o1" } });
    refused("SampleNote", "findMany", { where: { tokenHash: "abc" } });
  });
});
