// The product's permission map, composed from the areas' feature records: what each role
// may do, and that a new area brings its permissions with its registry line.
import { afterAll, describe, expect, it } from "vitest";
import { canAssignRole } from "../../server/domains/identity/permissions";
import { registerFeature, registry } from "../../server/features";
import { allPermissions, can, type Permission, permissionsOf } from "../../server/permissions";
import { defineFeature } from "../../server/platform/features/contract";
import { definePermissions, ROLES } from "../../server/platform/tenancy/permissions";

afterAll(() => registerFeature(defineFeature("perm-test", () => ({}))));

describe("permission map", () => {
  it("gives every permission to owners, and names only known roles", () => {
    for (const [permission, roles] of Object.entries(registry().permissions)) {
      expect(roles, permission).toContain("owner");
      for (const role of roles) expect(ROLES).toContain(role);
    }
  });

  it("has every area's permissions", () => {
    expect(allPermissions()).toEqual(
      expect.arrayContaining([
        "org.read",
        "audit.read",
        "site.write",
        "policy.write",
        "billing.manage",
      ]),
    );
  });

  it("keeps viewers read-only and billing to owner and billing", () => {
    const viewer = permissionsOf("viewer");
    expect(viewer.every((p) => p.endsWith(".read"))).toBe(true);
    expect(viewer).not.toContain("billing.read");
    expect(can("billing", "billing.manage")).toBe(true);
    expect(can("admin", "billing.read")).toBe(false);
  });

  it("lets only owners hand out ownership", () => {
    expect(canAssignRole("owner", "owner")).toBe(true);
    expect(canAssignRole("admin", "owner")).toBe(false);
    expect(canAssignRole("admin", "operator")).toBe(true);
    expect(canAssignRole("operator", "viewer")).toBe(false);
  });

  it("takes a new area's permissions from its feature, and refuses one declared twice", () => {
    const permissions = definePermissions({ "sample.read": ["owner", "viewer"] });
    registerFeature(defineFeature("perm-test", () => ({ permissions })));
    expect(can("viewer", "sample.read" as Permission)).toBe(true);
    expect(can("admin", "sample.read" as Permission)).toBe(false);
    registerFeature(
      defineFeature("perm-test", () => ({ permissions: { "site.read": ["owner"] } as const })),
    );
    expect(() => registry()).toThrow(/two permissions are named "site.read"/);
  });
});
