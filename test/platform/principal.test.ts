// Scopes come from the permission map (users), the key's own list (API keys), none
// (devices) or all (system jobs): a check asks for a scope, never for a kind.
import { describe, expect, it } from "vitest";
import { registry } from "../../server/features";
import { type Permission, scopesOf } from "../../server/permissions";
import {
  boundOrgOf,
  principalLabel,
  systemPrincipal,
  userPrincipal,
} from "../../server/platform/tenancy/principal";

const PERMISSIONS = registry().permissions as Record<Permission, readonly string[]>;

const user = userPrincipal({ id: "u1", email: "a@example.test", name: "A" });

describe("principal scopes", () => {
  it("a user has exactly their role's permissions in the org, none without a role", () => {
    expect([...scopesOf(user, "viewer")].sort()).toEqual(
      (Object.keys(PERMISSIONS) as Permission[])
        .filter((p) => PERMISSIONS[p].includes("viewer"))
        .sort(),
    );
    expect(scopesOf(user, "viewer").has("site.write")).toBe(false);
    expect(scopesOf(user, "operator").has("site.write")).toBe(true);
    expect(scopesOf(user, null).size).toBe(0);
  });

  it("an API key has only the scopes it was given that exist", () => {
    const key = {
      kind: "apiKey" as const,
      id: "k1",
      orgId: "o1",
      scopes: ["site.read", "no.such"],
    };
    expect([...scopesOf(key)]).toEqual(["site.read"]);
    expect(boundOrgOf(key)).toBe("o1");
  });

  it("a device has no portal scope; a system job has all", () => {
    expect(scopesOf({ kind: "device", id: "d1", orgId: "o1" }).size).toBe(0);
    expect(scopesOf(systemPrincipal("sweep")).size).toBe(Object.keys(PERMISSIONS).length);
    expect(boundOrgOf(user)).toBeUndefined();
  });

  it("labels every kind for log lines", () => {
    expect(principalLabel(user)).toBe("user:u1");
    expect(principalLabel(systemPrincipal("rollout.progress"))).toBe("system:rollout.progress");
  });
});
