import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../../server/api/root";
import type { Meta } from "../../server/api/trpc";
import type { SessionUser } from "../../server/domains/identity/auth/session";
import { closeQueues } from "../../server/platform/jobs/queues";
import { can, type Permission, ROLES } from "../../server/platform/tenancy/permissions";
import { addMember, callerFor, createOrgWithOwner } from "../factories";
import { MATRIX } from "./isolation-matrix";

afterAll(closeQueues);

const procedures = appRouter._def.procedures as unknown as Record<
  string,
  { _def: { meta?: Meta } }
>;
const paths = Object.keys(procedures).sort();
const accessOf = (path: string) => procedures[path]!._def.meta!.access;
const tenantPaths = paths.filter((p) => !["public", "protected"].includes(accessOf(p)));

/** Calls `path` as `user`; returns the error code, or "OK". */
async function outcome(user: SessionUser | null, path: string, input: unknown) {
  // Routers nest (overlay.links.create): walk the caller down the path.
  const call = path
    .split(".")
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], callerFor(user)) as (
    i: unknown,
  ) => unknown;
  try {
    await call(input);
    return "OK";
  } catch (error) {
    return (error as { code?: string }).code ?? "THREW";
  }
}

describe("isolation matrix", () => {
  it("has an entry for every procedure, and no stale ones", () => {
    expect(Object.keys(MATRIX).sort()).toEqual(paths);
  });

  it("declares an access level on every procedure", () => {
    for (const path of paths) expect(accessOf(path), path).toBeTruthy();
  });

  describe("org-scoped procedures", () => {
    // One MSP org A with a member per role, and an outsider who owns org B.
    let slugA: string;
    let outsider: SessionUser;
    const byRole = new Map<string, SessionUser>();

    beforeAll(async () => {
      const a = await createOrgWithOwner("msp");
      slugA = a.slug;
      byRole.set("owner", a.owner);
      for (const role of ROLES.filter((r) => r !== "owner")) {
        byRole.set(role, await addMember(slugA, a.owner, role));
      }
      outsider = (await createOrgWithOwner()).owner;
    });

    it.each(tenantPaths)("%s: a member of another org gets NOT_FOUND", async (path) => {
      const input = MATRIX[path as keyof typeof MATRIX](slugA);
      expect(await outcome(outsider, path, input)).toBe("NOT_FOUND");
    });

    it.each(tenantPaths)(
      "%s: each role is allowed or denied as the permission map says",
      async (path) => {
        const permission = accessOf(path) as Permission;
        for (const role of ROLES) {
          const result = await outcome(
            byRole.get(role)!,
            path,
            MATRIX[path as keyof typeof MATRIX](slugA),
          );
          const expected = can(role, permission) ? "allowed" : "FORBIDDEN";
          const actual =
            result === "FORBIDDEN" ? "FORBIDDEN" : result === "UNAUTHORIZED" ? "?" : "allowed";
          expect(`${role}: ${actual}`).toBe(`${role}: ${expected}`);
        }
      },
    );

    it.each(tenantPaths)("%s: refuses callers without a session", async (path) => {
      expect(await outcome(null, path, MATRIX[path as keyof typeof MATRIX](slugA))).toBe(
        "UNAUTHORIZED",
      );
    });
  });

  it.each(paths.filter((p) => accessOf(p) === "protected"))("%s: needs a session", async (path) => {
    expect(await outcome(null, path, MATRIX[path as keyof typeof MATRIX]("any"))).toBe(
      "UNAUTHORIZED",
    );
  });
});
