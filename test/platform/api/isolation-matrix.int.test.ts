import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { appRouter, createCaller } from "../../../server/api/root";
import {
  type ApiKeyCaller,
  type Meta,
  permissionProcedure,
  protectedProcedure,
  publicProcedure,
  router,
} from "../../../server/api/trpc";
import type { SessionUser } from "../../../server/domains/identity/auth/session";
import { allPermissions, can, type Permission } from "../../../server/permissions";
import { getDb } from "../../../server/platform/db/client";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { ROLES } from "../../../server/platform/tenancy/permissions";
import { addMember, callerFor, createOrgWithOwner } from "../../../testkit/factories/identity";
import { declarationProblems, MATRIX, PERSON_ONLY, type ProcedureDefs } from "./isolation-matrix";

afterAll(closeQueues);

const procedures = appRouter._def.procedures as unknown as ProcedureDefs;
const paths = Object.keys(procedures).sort();
const accessOf = (path: string) => (procedures[path]!._def.meta as Meta | undefined)?.access;
const tenantPaths = paths.filter((p) => !["public", "protected"].includes(accessOf(p)!));

/** Outcomes that mean the procedure broke (a 500, an output that fails its schema, a crash). */
const BROKEN = ["INTERNAL_SERVER_ERROR", "THREW"];

/** A router caller authenticated by an API key (the REST layer's caller). */
const keyCaller = (apiKey: ApiKeyCaller) =>
  createCaller({ db: getDb(), user: null, apiKey, headers: new Headers() });

/**
 * Calls `path` as `user` (or through an API key); returns the tRPC error code, "THREW" for
 * any other error, or "OK".
 */
async function outcome(user: SessionUser | ApiKeyCaller | null, path: string, input: unknown) {
  const caller = user && "scopes" in user ? keyCaller(user) : callerFor(user);
  // Routers nest (overlay.links.create): walk the caller down the path.
  const call = path
    .split(".")
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
    i: unknown,
  ) => unknown;
  try {
    await call(input);
    return "OK";
  } catch (error) {
    return error instanceof TRPCError ? error.code : "THREW";
  }
}

/** Whether the ladder let the caller through; a broken procedure is neither. */
const verdict = (result: string) =>
  result === "FORBIDDEN" || result === "UNAUTHORIZED" || BROKEN.includes(result)
    ? result
    : "allowed";

describe("isolation matrix", () => {
  it("has an entry for every procedure, and no stale ones", () => {
    expect(Object.keys(MATRIX).sort()).toEqual(paths);
  });

  describe("declarations", () => {
    // One procedure per gap, to show each check reports what it is for.
    const sample = router({
      stated: publicProcedure
        .meta({ access: "public" })
        .output(z.number())
        .query(() => 1),
      silent: publicProcedure.output(z.number()).query(() => 1),
      misspelt: publicProcedure
        .meta({ access: "site.fly" as Permission })
        .output(z.number())
        .query(() => 1),
      untyped: protectedProcedure.query(() => 1),
      nested: router({
        untyped: permissionProcedure("site.read")
          .input(z.object({ orgSlug: z.string() }))
          .query(() => 1),
      }),
    });
    const sampleProblems = declarationProblems(
      sample._def.procedures as unknown as ProcedureDefs,
      allPermissions(),
    );

    it("reports a procedure that states no access level, or an unknown one", () => {
      expect(sampleProblems.noAccess).toEqual(["misspelt", "silent"]);
    });

    it("reports a procedure without an output schema", () => {
      expect(sampleProblems.noOutput).toEqual(["nested.untyped", "untyped"]);
    });

    it("declares an access level on every procedure", () => {
      expect(declarationProblems(procedures, allPermissions()).noAccess).toEqual([]);
    });

    it("declares an output schema on every procedure", () => {
      expect(declarationProblems(procedures, allPermissions()).noOutput).toEqual([]);
    });
  });

  describe("org-scoped procedures", () => {
    // One MSP org A with a member per role, and an outsider who owns org B.
    let slugA: string;
    let outsider: SessionUser;
    const byRole = new Map<string, SessionUser>();
    /** An API key of org A with `scopes`, made by A's owner (who holds every permission). */
    let keyOfA: (scopes: string[]) => ApiKeyCaller;
    /** An API key of org B with every scope. */
    let keyOfB: ApiKeyCaller;

    beforeAll(async () => {
      const a = await createOrgWithOwner("msp");
      slugA = a.slug;
      byRole.set("owner", a.owner);
      for (const role of ROLES.filter((r) => r !== "owner")) {
        byRole.set(role, await addMember(slugA, a.owner, role));
      }
      const b = await createOrgWithOwner();
      outsider = b.owner;
      keyOfA = (scopes) => ({
        id: `key-a-${scopes.join("-")}`,
        orgId: a.org.id,
        name: "matrix key",
        scopes,
        createdById: a.owner.id,
      });
      keyOfB = {
        id: "key-b",
        orgId: b.org.id,
        name: "outsider key",
        scopes: allPermissions(),
        createdById: b.owner.id,
      };
    });

    it.each(tenantPaths)("%s: another org's API key gets NOT_FOUND", async (path) => {
      const input = MATRIX[path as keyof typeof MATRIX](slugA);
      expect(await outcome(keyOfB, path, input)).toBe("NOT_FOUND");
    });

    it.each(tenantPaths)(
      "%s: an API key is allowed with its scope and denied without it",
      async (path) => {
        const permission = accessOf(path) as Permission;
        const input = () => MATRIX[path as keyof typeof MATRIX](slugA);
        const other = allPermissions().filter((p) => p !== permission);
        const withScope = verdict(await outcome(keyOfA([permission]), path, input()));
        // What only a person may do (be billed, invite, make keys) is FORBIDDEN to every key.
        expect(withScope).toBe(
          (PERSON_ONLY as ReadonlySet<string>).has(path) ? "FORBIDDEN" : "allowed",
        );
        expect(verdict(await outcome(keyOfA(other), path, input()))).toBe("FORBIDDEN");
      },
    );

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
          // NOT_FOUND/BAD_REQUEST/CONFLICT after the ladder count as allowed; a 500 never does.
          const expected = can(role, permission) ? "allowed" : "FORBIDDEN";
          expect(`${role}: ${verdict(result)}`).toBe(`${role}: ${expected}`);
        }
      },
    );

    it.each(tenantPaths)("%s: refuses callers without a session", async (path) => {
      expect(await outcome(null, path, MATRIX[path as keyof typeof MATRIX](slugA))).toBe(
        "UNAUTHORIZED",
      );
    });
  });

  it.each(paths.filter((p) => accessOf(p) === "protected"))(
    "%s: needs a session; an API key is not one",
    async (path) => {
      const input = MATRIX[path as keyof typeof MATRIX]("any");
      expect(await outcome(null, path, input)).toBe("UNAUTHORIZED");
      const key = { id: "k", orgId: "o", name: "k", scopes: allPermissions(), createdById: "u" };
      expect(await outcome(key, path, input)).toBe("UNAUTHORIZED");
    },
  );

  it.each(paths.filter((p) => accessOf(p) === "public"))(
    "%s: answers without a session",
    async (path) => {
      const result = await outcome(null, path, MATRIX[path as keyof typeof MATRIX]("any"));
      expect(verdict(result)).toBe("allowed");
    },
  );
});
