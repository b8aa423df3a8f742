import { describe, expect, it } from "vitest";
import { can, canAssignRole, PERMISSIONS, permissionsOf, ROLES } from "./permissions";

describe("permission map", () => {
  it("gives every permission to owners, and names only known roles", () => {
    for (const [permission, roles] of Object.entries(PERMISSIONS)) {
      expect(roles, permission).toContain("owner");
      for (const role of roles) expect(ROLES).toContain(role);
    }
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
});
